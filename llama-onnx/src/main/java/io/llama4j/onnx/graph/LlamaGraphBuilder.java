package io.llama4j.onnx.graph;

import io.llama4j.ModelFormatException;
import io.llama4j.location.LoadProgress;
import io.llama4j.onnx.proto.Onnx.NodeProto;
import io.llama4j.onnx.proto.Onnx.TensorProto;
import io.llama4j.spi.ModelSource;
import io.llama4j.spi.ModelSpec;
import io.llama4j.spi.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes the Llama decoder as an ONNX graph in the shape onnxruntime-genai's model builder gives it, whose
 * operators ONNX Runtime's CPU and CUDA kernels run fastest:
 * <ul>
 *   <li>the embedding rows: {@code GatherBlockQuantized} straight from Q4_0 / Q8_0 blocks (shared with a tied
 *       output matrix), else {@code Gather} of a float table; per layer {@code SimplifiedLayerNormalization} (the first) or
 *       {@code SkipSimplifiedLayerNormalization} (residual add and RMSNorm in one);</li>
 *   <li>{@code com.microsoft.GroupQueryAttention} with rotary embedding inside it ({@code do_rotary}, cos/sin
 *       caches precomputed here with the model's llama3 frequency divisors), past and present KV bound to one
 *       pre-sized buffer per layer ({@code past_present_share_buffer}), positions derived from the mask;</li>
 *   <li>SwiGLU as {@code Sigmoid}/{@code Mul}; projections as {@code MatMul} or {@code MatMulNBits}
 *       ({@link WeightEncoder});</li>
 *   <li>the last position's logits only, unless {@link GraphOptions#allLogits()}.</li>
 * </ul>
 * Inputs {@code input_ids}, {@code attention_mask} (int64), {@code past_key_values.N.key|value}; outputs
 * {@code logits}, {@code present.N.key|value}: HF optimum's names, which {@code GraphLayout} reads by default.
 */
final class LlamaGraphBuilder {
    /** Quantized embedding tables larger than this in F32 are stored as FP16. */
    static final long HALF_EMBEDDING_ABOVE = 256L << 20;

    private final ModelSource source;
    private final ModelSpec spec;
    private final GraphOptions options;
    private final LoadProgress progress;

    LlamaGraphBuilder(ModelSource source, GraphOptions options, LoadProgress progress) {
        this.source = source;
        this.spec = source.spec();
        this.options = options;
        this.progress = progress;
    }

    /** Writes {@code model.onnx} and {@code model.onnx.data} into {@code folder}; returns the requantizations. */
    java.util.List<Requantization> build(Path folder, String producerVersion) throws IOException {
        Precision p = options.precision();
        int t = p.onnxType;
        try (ExternalData data = new ExternalData(folder.resolve(BuiltGraph.DATA_FILE));
             WeightEncoder weights = new WeightEncoder(new OnnxModelWriter(spec.name(), data), p,
                     options.accuracyLevel(), options.kQuantBits(), source.location())) {
            OnnxModelWriter w = weights.writer();
            int kvHeads = spec.kvHeads();
            int headDim = spec.headDim();
            int int64 = TensorProto.DataType.INT64_VALUE;

            w.input("input_ids", int64, "batch_size", "sequence_length");
            w.input("attention_mask", int64, "batch_size", "total_sequence_length");
            for (int l = 0; l < spec.layers(); l++) {
                w.input("past_key_values." + l + ".key", t, "batch_size", kvHeads, "past_sequence_length", headDim);
                w.input("past_key_values." + l + ".value", t, "batch_size", kvHeads, "past_sequence_length", headDim);
            }
            w.output("logits", t, "batch_size", options.allLogits() ? "sequence_length" : 1, spec.vocabularySize());
            for (int l = 0; l < spec.layers(); l++) {
                w.output("present." + l + ".key", t, "batch_size", kvHeads, "present_sequence_length", headDim);
                w.output("present." + l + ".value", t, "batch_size", kvHeads, "present_sequence_length", headDim);
            }

            // GroupQueryAttention's sequence inputs: valid positions per row minus one, and the total length.
            w.int64s("one", new long[] {1});
            w.int64s("axis_1", new long[] {1}, 1);
            w.int64s("index_1", new long[] {1});
            String sum = w.add(w.node("ReduceSum", null, new String[] {"attention_mask", "axis_1"}, "mask_sum")
                    .addAttribute(OnnxModelWriter.attr("keepdims", 0L)));
            String lastIndex = w.op("Sub", "mask_sum_minus_one", sum, "one");
            String seqlensK = w.add(cast(w, lastIndex, "seqlens_k"));
            String shape = w.op("Shape", "mask_shape", "attention_mask");
            String total = w.op("Gather", "total_length_int64", shape, "index_1");
            String totalLength = w.add(cast(w, total, "total_sequence_length"));
            String[] rope = ropeCaches(weights);

            Tensor embedding = tensor("token_embd.weight");
            checkShape(embedding, spec.dim(), spec.vocabularySize());
            WeightEncoder.Blocks table = null;
            if (WeightEncoder.keepsItsBlocks(embedding)) {
                // Q4_0 / Q8_0: the table stays in its blocks and is dequantized row by row by the gather
                // (exact, and a quarter or half of an FP16 table); a tied output matrix uses the same bytes.
                table = weights.blocks(embedding);
                weights.gather(table, "input_ids", "embedded");
            } else {
                // Any other quantized table read as F32 would be 4-8x its size in the file: a large one is
                // stored as FP16 (a relative rounding of 2^-11 on the embeddings) and its rows widened after
                // the Gather. Float sources and the small test models keep their exact values.
                long f32Bytes = (long) spec.vocabularySize() * spec.dim() * 4;
                boolean quantized = embedding.type().blockSize() > 1;
                Precision tableType = quantized && f32Bytes > HALF_EMBEDDING_ABOVE ? Precision.FP16 : p;
                String gathered = w.add(w.node("Gather", null, new String[] {
                        weights.floats(embedding, "token_embd.weight", tableType, spec.vocabularySize(), spec.dim()),
                        "input_ids"}, tableType == p ? "embedded" : "embedded_table_type"));
                if (tableType != p) {
                    w.add(w.node("Cast", null, new String[] {gathered}, "embedded")
                            .addAttribute(OnnxModelWriter.attr("to", (long) t)));
                }
            }
            long totalBytes = 0;
            for (String name : source.weights().names()) {
                totalBytes += source.weights().find(name).orElseThrow().data().byteSize();
            }

            String residual = "embedded";
            String hidden = null; // the output of the previous block, not yet added to the residual
            for (int l = 0; l < spec.layers(); l++) {
                String b = "blk." + l + ".";
                String norm = norm(w, weights, b + "attn_norm.weight", hidden, residual, b + "attn_norm", b + "residual_in");
                if (hidden != null) {
                    residual = b + "residual_in";
                }
                String q = weights.matMul(norm, matrix(b + "attn_q.weight", spec.dim(), spec.heads() * headDim), b + "q");
                String k = weights.matMul(norm, matrix(b + "attn_k.weight", spec.dim(), spec.kvDim()), b + "k");
                String v = weights.matMul(norm, matrix(b + "attn_v.weight", spec.dim(), spec.kvDim()), b + "v");
                String attention = w.add(w.node("GroupQueryAttention", OnnxModelWriter.MICROSOFT, new String[] {
                                q, k, v, "past_key_values." + l + ".key", "past_key_values." + l + ".value",
                                seqlensK, totalLength, rope[0], rope[1]},
                                b + "attention", "present." + l + ".key", "present." + l + ".value")
                        .addAttribute(OnnxModelWriter.attr("num_heads", (long) spec.heads()))
                        .addAttribute(OnnxModelWriter.attr("kv_num_heads", (long) kvHeads))
                        .addAttribute(OnnxModelWriter.attr("scale", (float) (1 / Math.sqrt(headDim))))
                        .addAttribute(OnnxModelWriter.attr("do_rotary", 1L))
                        .addAttribute(OnnxModelWriter.attr("rotary_interleaved",
                                spec.ropePairing() == ModelSpec.RopePairing.INTERLEAVED ? 1L : 0L)));
                String out = weights.matMul(attention, matrix(b + "attn_output.weight", spec.heads() * headDim, spec.dim()),
                        b + "attention_out");
                String ffnIn = norm(w, weights, b + "ffn_norm.weight", out, residual, b + "ffn_norm", b + "residual_mid");
                residual = b + "residual_mid";
                String gate = weights.matMul(ffnIn, matrix(b + "ffn_gate.weight", spec.dim(), spec.ffnDim()), b + "gate");
                String up = weights.matMul(ffnIn, matrix(b + "ffn_up.weight", spec.dim(), spec.ffnDim()), b + "up");
                String sigmoid = w.op("Sigmoid", b + "gate_sigmoid", gate);
                String silu = w.op("Mul", b + "gate_silu", gate, sigmoid);
                String product = w.op("Mul", b + "swiglu", silu, up);
                hidden = weights.matMul(product, matrix(b + "ffn_down.weight", spec.ffnDim(), spec.dim()), b + "ffn_out");
            }
            String normed = norm(w, weights, "output_norm.weight", hidden, residual, "output_norm", "residual_out");
            if (!options.allLogits()) {
                w.int64s("last_start", new long[] {-1}, 1);
                w.int64s("last_end", new long[] {Long.MAX_VALUE}, 1);
                normed = w.op("Slice", "output_norm_last", normed, "last_start", "last_end", "axis_1");
            }
            // Tied models (Llama 3.2 1B and 3B) have no output.weight: the embedding table is the output matrix.
            Tensor head = source.weights().find("output.weight").orElse(embedding);
            checkShape(head, spec.dim(), spec.vocabularySize());
            if (head == embedding && table != null) {
                weights.matMul(normed, table, "logits");
            } else {
                weights.matMul(normed, renamed(head, "lm_head.weight"), "logits");
            }
            // The nodes are all in place; the weights' bytes are still being written on the pool.
            long all = Math.max(totalBytes, weights.sourceBytes());
            String task = "ONNX graph " + spec.name();
            weights.finish(() -> progress.update(task, weights.encodedBytes(), all));
            progress.update(task, all, all);
            w.write(folder.resolve(BuiltGraph.GRAPH_FILE), producerVersion);
            return weights.requantized();
        }
    }

    /**
     * RMSNorm of the block input. The first block normalizes the embedding alone; later ones add the previous
     * block's output to the residual stream in the same node, which also outputs the new residual.
     */
    private String norm(OnnxModelWriter w, WeightEncoder weights, String weightName, String hidden, String residual,
            String output, String residualOut) throws IOException {
        Tensor weight = tensor(weightName);
        if (weight.elementCount() != spec.dim()) {
            throw new ModelFormatException(source.location(), "tensor " + weightName + " has shape "
                    + Arrays.toString(weight.shape()) + ", expected [" + spec.dim() + "]");
        }
        String gamma = weights.floats(weight, weightName, spec.dim());
        if (hidden == null) {
            return w.add(w.node("SimplifiedLayerNormalization", null, new String[] {residual, gamma}, output)
                    .addAttribute(OnnxModelWriter.attr("axis", -1L))
                    .addAttribute(OnnxModelWriter.attr("epsilon", spec.rmsNormEps()))
                    .addAttribute(OnnxModelWriter.attr("stash_type", 1L)));
        }
        return w.add(w.node("SkipSimplifiedLayerNormalization", OnnxModelWriter.MICROSOFT,
                        new String[] {hidden, residual, gamma}, output, "", "", residualOut)
                .addAttribute(OnnxModelWriter.attr("epsilon", spec.rmsNormEps())));
    }

    private static NodeProto.Builder cast(OnnxModelWriter w, String input, String output) {
        return w.node("Cast", null, new String[] {input}, output)
                .addAttribute(OnnxModelWriter.attr("to", (long) TensorProto.DataType.INT32_VALUE));
    }

    /**
     * cos and sin of every rotation pair's angle at every position of the trained context, {@code
     * [contextLength, headDim/2]}. The angles are built as ggml builds its rope cache (the base frequency by
     * repeated float multiplication, then divided by the pair's llama3 divisor) so that they agree with
     * llama.cpp's and the Java kernel's to the last bit.
     */
    private String[] ropeCaches(WeightEncoder weights) {
        int half = spec.headDim() / 2;
        int positions = spec.contextLength();
        float thetaScale = (float) Math.pow(spec.ropeTheta(), -2.0 / spec.headDim());
        float[] divisors = spec.ropeFreqDivisors();
        WeightEncoder.RowValues angles = (pos, out) -> {
            float theta = pos;
            for (int i = 0; i < half; i++) {
                out[i] = theta / divisors[i];
                theta *= thetaScale;
            }
        };
        return new String[] {
                weights.computed("cos_cache", positions, half, (pos, out) -> {
                    angles.row(pos, out);
                    for (int i = 0; i < half; i++) {
                        out[i] = (float) Math.cos(out[i]);
                    }
                }),
                weights.computed("sin_cache", positions, half, (pos, out) -> {
                    angles.row(pos, out);
                    for (int i = 0; i < half; i++) {
                        out[i] = (float) Math.sin(out[i]);
                    }
                })};
    }

    private Tensor tensor(String name) {
        return source.weights().find(name)
                .orElseThrow(() -> new ModelFormatException(source.location(), "missing tensor " + name));
    }

    /** A 2-D weight of {@code cols} inputs and {@code rows} outputs (GGUF shape [cols, rows]). */
    private Tensor matrix(String name, int cols, int rows) {
        Tensor t = tensor(name);
        checkShape(t, cols, rows);
        return t;
    }

    private void checkShape(Tensor t, int cols, int rows) {
        long[] shape = t.shape();
        if (shape.length != 2 || shape[0] != cols || shape[1] != rows) {
            throw new ModelFormatException(source.location(), "tensor " + t.name() + " has shape "
                    + Arrays.toString(shape) + ", expected [" + cols + ", " + rows + "]");
        }
    }

    /** The same weight under the graph name the output projection needs (a tied embedding is stored twice). */
    private static Tensor renamed(Tensor t, String name) {
        return new Tensor(name, t.type(), t.shape(), t.data());
    }
}
