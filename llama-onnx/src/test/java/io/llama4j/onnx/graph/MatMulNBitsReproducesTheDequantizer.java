package io.llama4j.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.llama4j.format.gguf.GgufFormat;
import io.llama4j.kernel.TensorRows;
import io.llama4j.onnx.proto.Onnx.TensorProto;
import io.llama4j.spi.OpenedModel;
import io.llama4j.spi.Tensor;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each weight encoding, run by ONNX Runtime as one {@code MatMul}/{@code MatMulNBits} node with float
 * activations (accuracy_level 0), computes {@code x @ W^T} for the W that llama-core's dequantizer reads from
 * the GGUF blocks: Q4_0 and Q8_0 blocks re-laid, and Q4_K requantized on its own grid, to float rounding;
 * requantized types within the error the builder reports for them.
 */
class MatMulNBitsReproducesTheDequantizer {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1} {2}-bit")
    @CsvSource({
            "small-k-Q4_0.gguf, blk.0.ffn_down.weight, 4, 1e-5, 0",
            "small-k-Q4_0.gguf, blk.1.attn_q.weight, 4, 1e-5, 0",
            "tiny-Q8_0.gguf, blk.0.ffn_gate.weight, 4, 1e-5, 0",
            "small-k-Q4_K.gguf, blk.0.ffn_up.weight, 4, 1e-5, 0",
            "small-k-Q4_K.gguf, blk.0.ffn_up.weight, 8, 1e-2, 0",
            "small-k-Q6_K.gguf, blk.0.attn_v.weight, 8, 1e-2, 0",
            "small-k-Q6_K.gguf, blk.0.attn_v.weight, 4, 2e-1, 0",
            "tiny-F16.gguf, blk.1.attn_output.weight, 4, 1e-5, 0",
            "tiny-BF16.gguf, blk.0.attn_k.weight, 4, 1e-5, 0",
            // (last column: the transposition band in bytes, 0 for the default)
            // A float weight transposed in bands of 3 columns (1000 bytes): every band boundary crossed.
            "tiny-F32.gguf, blk.0.ffn_down.weight, 4, 1e-5, 1000"})
    void nodeOutputEqualsTheDequantizedProduct(String fixture, String name, int kQuantBits, double tolerance,
            long bandBytes) throws Exception {
        Path model = Path.of(System.getProperty("llama4j.fixtures", "../target/fixtures")).resolve(fixture);
        try (OpenedModel opened = new GgufFormat().open(model)) {
            Tensor weight = opened.source().weights().find(name).orElseThrow();
            int k = Math.toIntExact(weight.rowLength());
            int n = Math.toIntExact(weight.rows());
            Path graph = dir.resolve("m.onnx");
            try (ExternalData data = new ExternalData(dir.resolve(BuiltGraph.DATA_FILE))) {
                OnnxModelWriter w = new OnnxModelWriter("one", data);
                try (WeightEncoder encoder = new WeightEncoder(w, Precision.FP32, 0, kQuantBits, model,
                        bandBytes == 0 ? WeightEncoder.BAND_BYTES : bandBytes)) {
                    w.input("x", TensorProto.DataType.FLOAT_VALUE, 1, 3, k);
                    w.output("y", TensorProto.DataType.FLOAT_VALUE, 1, 3, n);
                    encoder.matMul("x", weight, "y");
                    encoder.finish(() -> { });
                    w.write(graph, "test");
                    for (Requantization r : encoder.requantized()) {
                        System.out.printf("%s %s -> %d bits: relative rms error %.5f%n", fixture, r.tensor(), r.bits(),
                                r.relativeRmsError());
                    }
                }
            }
            float[] x = new float[3 * k];
            Random random = new Random(7);
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) random.nextGaussian();
            }
            float[] expected = new float[3 * n];
            TensorRows rows = TensorRows.of(weight, model);
            float[] row = new float[k];
            double scale = 0;
            for (int r = 0; r < n; r++) {
                rows.read(r, row, 0);
                for (int t = 0; t < 3; t++) {
                    double sum = 0;
                    for (int c = 0; c < k; c++) {
                        sum += (double) row[c] * x[t * k + c];
                    }
                    expected[t * n + r] = (float) sum;
                    scale = Math.max(scale, Math.abs(sum));
                }
            }
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(graph.toString(), new OrtSession.SessionOptions());
                 OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(x), new long[] {1, 3, k});
                 OrtSession.Result result = session.run(Map.of("x", input))) {
                float[] got = new float[3 * n];
                ((OnnxTensor) result.get(0)).getFloatBuffer().get(got);
                double worst = 0;
                for (int i = 0; i < got.length; i++) {
                    worst = Math.max(worst, Math.abs(got[i] - expected[i]));
                }
                System.out.printf("%s %s: max |onnx - dequantized| %.3g of max |y| %.3g%n", fixture, name, worst, scale);
                assertTrue(worst <= tolerance * scale, name + ": max error " + worst + " exceeds " + tolerance + " x " + scale);
            }
            Files.deleteIfExists(graph);
        }
    }
}
