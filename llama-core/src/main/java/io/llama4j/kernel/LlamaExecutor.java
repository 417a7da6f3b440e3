package io.llama4j.kernel;

import io.llama4j.ModelFormatException;
import io.llama4j.UnsupportedModelException;
import io.llama4j.spi.Executor;
import io.llama4j.spi.InferenceState;
import io.llama4j.spi.ModelSource;
import io.llama4j.spi.ModelSpec;
import io.llama4j.spi.Tensor;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

/** The pure-Java executor: the model's weights wrapped for the kernel, checked against the spec. */
final class LlamaExecutor implements Executor {
    private final ModelSpec spec;
    private final Path file;
    final WeightMatrix embedding;
    final LayerWeights[] layers;
    final float[] outputNorm;
    final WeightMatrix output;
    final Rope rope;
    final Attention attention;
    final RowParallel parallel;

    LlamaExecutor(ModelSource source, int threads) {
        this(source, threads, RowParallel.Pool.fromSystemProperty());
    }

    /** On the parallel-region mechanism {@code pool} rather than the one the system property names. */
    LlamaExecutor(ModelSource source, int threads, RowParallel.Pool pool) {
        this.spec = source.spec();
        this.file = source.location();
        int dim = spec.dim();
        int qDim = spec.heads() * spec.headDim();
        this.embedding = matrix(source, "token_embd.weight", spec.vocabularySize(), dim);
        // The last layer's tensors must exist before the layer count sizes anything: a corrupt count of
        // two billion would otherwise allocate the array before the first missing tensor is noticed.
        tensor(source, "blk." + (spec.layers() - 1) + ".attn_norm.weight");
        this.layers = new LayerWeights[spec.layers()];
        for (int l = 0; l < layers.length; l++) {
            String p = "blk." + l + ".";
            layers[l] = new LayerWeights(
                    vector(source, p + "attn_norm.weight", dim),
                    matrix(source, p + "attn_q.weight", qDim, dim),
                    matrix(source, p + "attn_k.weight", spec.kvDim(), dim),
                    matrix(source, p + "attn_v.weight", spec.kvDim(), dim),
                    matrix(source, p + "attn_output.weight", dim, qDim),
                    vector(source, p + "ffn_norm.weight", dim),
                    matrix(source, p + "ffn_gate.weight", spec.ffnDim(), dim),
                    matrix(source, p + "ffn_up.weight", spec.ffnDim(), dim),
                    matrix(source, p + "ffn_down.weight", dim, spec.ffnDim()));
        }
        this.outputNorm = vector(source, "output_norm.weight", dim);
        this.output = spec.tiedEmbeddings() ? embedding : matrix(source, "output.weight", spec.vocabularySize(), dim);
        this.rope = new Rope(spec);
        this.attention = new Attention(spec.heads(), spec.kvHeads(), spec.headDim());
        this.parallel = new RowParallel(threads, pool);
    }

    private Tensor tensor(ModelSource source, String name) {
        return source.weights().find(name)
                .orElseThrow(() -> new ModelFormatException(file, "missing tensor " + name));
    }

    private WeightMatrix matrix(ModelSource source, String name, int rows, int cols) {
        Tensor t = tensor(source, name);
        long[] shape = t.shape();
        if (shape.length != 2 || shape[0] != cols || shape[1] != rows) {
            throw new ModelFormatException(file, "tensor " + name + " has shape " + Arrays.toString(shape)
                    + ", expected [" + cols + ", " + rows + "]");
        }
        return WeightMatrix.of(t, file);
    }

    private float[] vector(ModelSource source, String name, int length) {
        Tensor t = tensor(source, name);
        if (t.elementCount() != length) {
            throw new ModelFormatException(file, "tensor " + name + " has shape " + Arrays.toString(t.shape())
                    + ", expected [" + length + "]");
        }
        return switch (t.type()) {
            case F32 -> t.data().toArray(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN));
            case F16, BF16 -> {
                float[] out = new float[length];
                WeightMatrix.of(t, file).dequantizeRow(0, out, 0);
                yield out;
            }
            default -> throw new UnsupportedModelException(file, "norm tensor " + name + " has type " + t.type()
                    + " (F32, F16 or BF16 expected)");
        };
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public InferenceState newState(int contextLength) {
        return new LlamaState(this, contextLength);
    }

    @Override
    public InferenceState newState(int contextLength, io.llama4j.KvCacheType kvType) {
        return new LlamaState(this, contextLength, kvType);
    }

    @Override
    public void close() {
        parallel.close();
    }
}
