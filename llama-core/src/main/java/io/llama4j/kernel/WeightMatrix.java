package io.llama4j.kernel;

import io.llama4j.UnsupportedModelException;
import io.llama4j.spi.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * A [rows x cols] weight matrix read in place from mapped memory, one implementation per block type.
 * Rows are contiguous and quantization blocks run along a row (the dot-product axis).
 */
abstract sealed class WeightMatrix
        permits F32Matrix, F16Matrix, BF16Matrix, Q8_0InputMatrix, SuperBlockMatrix {

    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final String name;
    final int rows;
    final int cols;
    final MemorySegment data;
    final long rowBytes;

    WeightMatrix(Tensor tensor, long rowBytes) {
        this.name = tensor.name();
        this.cols = Math.toIntExact(tensor.rowLength());
        this.rows = Math.toIntExact(tensor.rows());
        this.data = tensor.data();
        this.rowBytes = rowBytes;
    }

    /** Wraps a 2-D tensor, or fails with a message naming the tensor and its type when no kernel exists for it. */
    static WeightMatrix of(Tensor tensor, Path file) {
        return switch (tensor.type()) {
            case F32 -> new F32Matrix(tensor);
            case F16 -> new F16Matrix(tensor);
            case BF16 -> new BF16Matrix(tensor);
            case Q8_0 -> new Q8_0Matrix(tensor);
            case Q4_0 -> new Q4_0Matrix(tensor);
            case Q4_K -> new Q4KMatrix(tensor);
            case Q5_K -> new Q5KMatrix(tensor);
            case Q6_K -> new Q6KMatrix(tensor);
            default -> throw new UnsupportedModelException(file, "tensor " + tensor.name() + " has type "
                    + tensor.type() + ", which llama4j cannot run yet (supported: F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q5_K, Q6_K)");
        };
    }

    /** The format {@link #dot} expects its input in. */
    abstract ActivationFormat inputFormat();

    /** Row {@code row} of this matrix times row {@code t} of {@code x}. */
    abstract float dot(int row, Activations x, int t);

    /**
     * What {@link #dot} computes, by the plain scalar loop that follows the block formulas: the kernel
     * without the Vector API, and the reference the JMH module's speed guard compares the vector kernel with.
     */
    abstract float scalarDot(int row, Activations x, int t);

    /** Writes row {@code row}, dequantized, to {@code out[offset ..< offset + cols]}. */
    abstract void dequantizeRow(int row, float[] out, int offset);

    /**
     * Writes columns {@code col ..< col + count} of row {@code row}, dequantized, to {@code out[offset ..]}:
     * what {@link #dequantizeRow} writes there. {@code col} and {@code count} are multiples of the block length.
     * The float GEMM's panels ({@link PanelGemm}) are filled by it, so types whose prefill goes that way
     * make it fast.
     */
    abstract void dequantizeSpan(int row, int col, int count, float[] out, int offset);

    /**
     * Whether a batch of {@code tokens} input rows is multiplied faster by the float GEMM over dequantized
     * panels ({@link PanelGemm}) than by this type's own {@link #multiplyRows}. Measured for every block type
     * and F16/BF16 (one thread, 1B shapes): from 16 tokens the GEMM is 1.2-1.9x faster, from 32 tokens 1.3-3x,
     * below 16 slower (it pads to groups of 16); {@link PanelGemm#pays} holds the rule. Only asked when the
     * Vector API is present.
     */
    boolean prefersPanelGemm(int tokens) {
        return PanelGemm.pays(tokens);
    }

    /**
     * Rows {@code from ..< to} times every input row of {@code x}, into {@code out[t * rows + r]}: by the
     * float GEMM when {@code x} was prepared as {@link TokenPanels}, else by {@link #multiplyRows}.
     */
    final void multiplyPrepared(Activations x, int tokens, float[] out, int from, int to) {
        if (x instanceof TokenPanels panels) {
            PanelGemm.multiply(this, panels, out, from, to);
        } else {
            multiplyRows(x, tokens, out, from, to);
        }
    }

    /** {@code out[t * rows + r] = row r . x[t]} for rows {@code from ..< to} and every input row t. */
    void multiplyRows(Activations x, int tokens, float[] out, int from, int to) {
        for (int r = from; r < to; r++) {
            for (int t = 0; t < tokens; t++) {
                out[t * rows + r] = dot(r, x, t);
            }
        }
    }

    /** One weight row times up to four input rows from {@code firstToken}, written at {@code out[at + i * stride]}. */
    @FunctionalInterface
    interface FourTokenRow {
        void multiply(long rowOffset, int firstToken, int count, float[] out, int at, int stride);
    }

    /** Rows per cache tile of {@link #multiplyInRowTiles}: 32 rows of 8192 16-bit weights are 512 KB, about a core's L2. */
    private static final int ROW_TILE = 32;

    /**
     * Prefill for kernels that take four input rows per weight row: tiles of rows stay in cache while each
     * group of four input rows passes over them.
     */
    final void multiplyInRowTiles(int tokens, float[] out, int from, int to, FourTokenRow kernel) {
        for (int tile = from; tile < to; tile += ROW_TILE) {
            int tileEnd = Math.min(to, tile + ROW_TILE);
            for (int t = 0; t < tokens; t += 4) {
                for (int r = tile; r < tileEnd; r++) {
                    kernel.multiply(r * rowBytes, t, Math.min(4, tokens - t), out, t * rows + r, rows);
                }
            }
        }
    }

    final float f16At(long offset) {
        return Half.f16ToFloat(data.get(SHORT_LE, offset));
    }

    final byte byteAt(long offset) {
        return data.get(ValueLayout.JAVA_BYTE, offset);
    }

    final int ubyteAt(long offset) {
        return Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, offset));
    }

    @Override
    public String toString() {
        return name + " [" + rows + " x " + cols + "] " + getClass().getSimpleName();
    }
}
