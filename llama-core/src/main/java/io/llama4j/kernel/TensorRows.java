package io.llama4j.kernel;

import io.llama4j.spi.Tensor;
import java.nio.file.Path;

/**
 * Rows of a weight tensor as floats, dequantized exactly as the Java kernel reads them. For code outside the
 * kernel that re-encodes weights (the ONNX graph builder), so that every consumer shares one dequantizer.
 *
 * <pre>{@code
 * TensorRows rows = TensorRows.of(weights.find("blk.0.attn_q.weight").orElseThrow(), file);
 * float[] row = new float[rows.columns()];
 * rows.read(0, row, 0);
 * }</pre>
 */
public final class TensorRows {
    private final WeightMatrix matrix;

    private TensorRows(WeightMatrix matrix) {
        this.matrix = matrix;
    }

    /**
     * @param file named in the exception when the tensor's type has no dequantizer
     * @throws io.llama4j.UnsupportedModelException for a type the kernel cannot read
     */
    public static TensorRows of(Tensor tensor, Path file) {
        return new TensorRows(WeightMatrix.of(tensor, file));
    }

    public int rows() {
        return matrix.rows;
    }

    /** Elements per row. */
    public int columns() {
        return matrix.cols;
    }

    /** Writes row {@code row}, dequantized, to {@code out[offset ..< offset + columns()]}. */
    public void read(int row, float[] out, int offset) {
        matrix.dequantizeRow(row, out, offset);
    }
}
