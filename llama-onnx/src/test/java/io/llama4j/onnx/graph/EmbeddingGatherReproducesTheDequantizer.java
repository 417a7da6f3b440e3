package io.llama4j.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.llama4j.format.gguf.GgufFormat;
import io.llama4j.kernel.TensorRows;
import io.llama4j.onnx.proto.Onnx.TensorProto;
import io.llama4j.spi.OpenedModel;
import io.llama4j.spi.Tensor;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Q4_0 or Q8_0 embedding table kept in its blocks and read by {@code GatherBlockQuantized} gives, for
 * every row asked, exactly the floats llama-core's dequantizer reads from the GGUF blocks; and the same
 * bytes, as the tied output matrix's {@code MatMulNBits} weight, reproduce {@code x @ W^T}.
 */
class EmbeddingGatherReproducesTheDequantizer {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"small-k-Q4_0.gguf, token_embd.weight, FP32", "tiny-Q8_0.gguf, token_embd.weight, FP32",
            "small-k-Q4_0.gguf, token_embd.weight, FP16", "tiny-Q8_0.gguf, token_embd.weight, FP16"})
    void gatheredRowsEqualTheDequantizedRows(String fixture, String name, Precision precision) throws Exception {
        Path model = Path.of(System.getProperty("llama4j.fixtures", "../target/fixtures")).resolve(fixture);
        try (OpenedModel opened = new GgufFormat().open(model)) {
            Tensor table = opened.source().weights().find(name).orElseThrow();
            assertTrue(WeightEncoder.keepsItsBlocks(table), table + " should keep its blocks");
            int k = Math.toIntExact(table.rowLength());
            int n = Math.toIntExact(table.rows());
            Path graph = dir.resolve("g.onnx");
            int floatType = precision.onnxType;
            try (ExternalData data = new ExternalData(dir.resolve(BuiltGraph.DATA_FILE))) {
                OnnxModelWriter w = new OnnxModelWriter("gather", data);
                try (WeightEncoder encoder = new WeightEncoder(w, precision, 0, 4, model)) {
                    w.input("ids", TensorProto.DataType.INT64_VALUE, 1, "s");
                    w.output("rows", floatType, 1, "s", k);
                    w.output("logits", floatType, 1, "s", n);
                    WeightEncoder.Blocks blocks = encoder.blocks(table);
                    encoder.gather(blocks, "ids", "rows");
                    encoder.matMul("rows", blocks, "logits");
                    encoder.finish(() -> { });
                    w.write(graph, "test");
                }
            }
            long[] ids = {0, 1, n / 2, n - 1, 7, 1000 % n};
            TensorRows rows = TensorRows.of(table, model);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(graph.toString(), new OrtSession.SessionOptions());
                 OnnxTensor input = OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[] {1, ids.length});
                 OrtSession.Result result = session.run(Map.of("ids", input))) {
                float[] got = floats((OnnxTensor) result.get("rows").orElseThrow(), ids.length * k);
                float[] logits = floats((OnnxTensor) result.get("logits").orElseThrow(), ids.length * n);
                float[] row = new float[k];
                float[] other = new float[k];
                double worstLogit = 0;
                double largest = 0;
                for (int i = 0; i < ids.length; i++) {
                    rows.read((int) ids[i], row, 0);
                    for (int c = 0; c < k; c++) {
                        float expected = precision == Precision.FP16 ? precision.round(row[c]) : row[c];
                        assertEquals(expected, got[i * k + c], 0f, "row " + ids[i] + " column " + c);
                    }
                    // logits of the gathered row against a few rows of the same matrix
                    for (int j = 0; j < n; j += Math.max(1, n / 64)) {
                        rows.read(j, other, 0);
                        double sum = 0;
                        for (int c = 0; c < k; c++) {
                            sum += (double) got[i * k + c] * other[c];
                        }
                        worstLogit = Math.max(worstLogit, Math.abs(sum - logits[i * n + j]));
                        largest = Math.max(largest, Math.abs(sum));
                    }
                }
                System.out.printf("%s %s %s: gathered rows exact; max |logit - dequantized| %.3g of %.3g%n",
                        fixture, name, precision, worstLogit, largest);
                assertTrue(worstLogit <= (precision == Precision.FP16 ? 1e-2 : 1e-5) * largest,
                        "logits differ by " + worstLogit + " of " + largest);
            }
        }
    }

    private static float[] floats(OnnxTensor t, int count) {
        float[] out = new float[count];
        if (t.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT16) {
            java.nio.ShortBuffer b = t.getShortBuffer();
            for (int i = 0; i < count; i++) {
                out[i] = Float.float16ToFloat(b.get(i));
            }
        } else {
            t.getFloatBuffer().get(out);
        }
        return out;
    }
}
