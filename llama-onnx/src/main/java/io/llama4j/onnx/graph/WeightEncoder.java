package io.llama4j.onnx.graph;

import io.llama4j.kernel.TensorRows;
import io.llama4j.onnx.proto.Onnx.TensorProto;
import io.llama4j.spi.Tensor;
import io.llama4j.spi.TensorType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a [N x K] weight (N output rows of K inputs, GGUF's layout) into the graph as the right-hand side of
 * {@code x @ W^T}, choosing the encoding that loses nothing where ONNX Runtime has a kernel for it:
 * <ul>
 *   <li>F32, F16, BF16: a float {@code [K, N]} initializer (transposed here, once) for {@code MatMul};</li>
 *   <li>Q4_0 and Q8_0: their blocks of 32 re-laid as {@code MatMulNBits} blocks (4 or 8 bits, block 32,
 *       the implicit zero point 8 or 128 equals ggml's offset, the fp16 scale kept): the same values exactly;</li>
 *   <li>other types (K-quants): dequantized with the Java kernel's dequantizer and requantized to 4-bit
 *       blocks of 32 with a zero point (min/max), the loss recorded as a {@link Requantization}.</li>
 * </ul>
 */
final class WeightEncoder {
    static final int BLOCK = 32;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final OnnxModelWriter writer;
    private final Precision precision;
    private final int accuracyLevel;
    private final Path file;
    private final List<Requantization> requantized = new ArrayList<>();

    WeightEncoder(OnnxModelWriter writer, Precision precision, int accuracyLevel, Path file) {
        this.writer = writer;
        this.precision = precision;
        this.accuracyLevel = accuracyLevel;
        this.file = file;
    }

    List<Requantization> requantized() {
        return List.copyOf(requantized);
    }

    /** {@code input @ W^T} as a node; returns its output's name. */
    String matMul(String input, Tensor weight, String output) throws IOException {
        int k = Math.toIntExact(weight.rowLength());
        int n = Math.toIntExact(weight.rows());
        TensorType type = weight.type();
        if (type == TensorType.F32 || type == TensorType.F16 || type == TensorType.BF16 || k % BLOCK != 0) {
            String w = floatTransposed(weight, k, n);
            return writer.op("MatMul", output, input, w);
        }
        String name = weight.name();
        List<String> inputs = new ArrayList<>(List.of(input, name + ".qweight", name + ".scales"));
        int bits;
        if (type == TensorType.Q4_0) {
            bits = 4;
            blocksFromQ4_0(weight, k, n);
        } else if (type == TensorType.Q8_0) {
            bits = 8;
            blocksFromQ8_0(weight, k, n);
        } else {
            bits = 4;
            requantize(weight, k, n);
            inputs.add(name + ".zero_points");
        }
        return writer.add(writer.node("MatMulNBits", OnnxModelWriter.MICROSOFT, inputs.toArray(String[]::new), output)
                .addAttribute(OnnxModelWriter.attr("K", (long) k))
                .addAttribute(OnnxModelWriter.attr("N", (long) n))
                .addAttribute(OnnxModelWriter.attr("bits", (long) bits))
                .addAttribute(OnnxModelWriter.attr("block_size", (long) BLOCK))
                .addAttribute(OnnxModelWriter.attr("accuracy_level", (long) accuracyLevel)));
    }

    /** A float tensor as stored (norm weights, the embedding table), written row by row. */
    String floats(Tensor tensor, String name, long... dims) throws IOException {
        TensorRows rows = TensorRows.of(tensor, file);
        int cols = rows.columns();
        long length = (long) rows.rows() * cols * precision.bytes;
        return writer.streamedInitializer(name, precision.onnxType, length, data -> {
            float[] row = new float[cols];
            ByteBuffer out = buffer((long) cols * precision.bytes);
            for (int r = 0; r < rows.rows(); r++) {
                rows.read(r, row, 0);
                out.clear();
                for (float v : row) {
                    precision.put(out, v);
                }
                data.write(out.flip());
            }
        }, dims);
    }

    private String floatTransposed(Tensor weight, int k, int n) throws IOException {
        TensorRows rows = TensorRows.of(weight, file);
        ByteBuffer out = buffer((long) k * n * precision.bytes);
        float[] row = new float[k];
        int bytes = precision.bytes;
        for (int r = 0; r < n; r++) {
            rows.read(r, row, 0);
            for (int c = 0; c < k; c++) {
                int at = (c * n + r) * bytes;
                if (bytes == 4) {
                    out.putFloat(at, row[c]);
                } else {
                    out.putShort(at, Float.floatToFloat16(row[c]));
                }
            }
        }
        out.position(0).limit(k * n * bytes);
        return writer.initializer(weight.name(), precision.onnxType, out, k, n);
    }

    /**
     * ggml Q4_0 block: fp16 scale d, then 16 bytes where byte j holds element j (low nibble) and element j+16
     * (high nibble), value d * (q - 8). MatMulNBits 4-bit block: byte i holds elements 2i (low) and 2i+1
     * (high), value scale * (q - zero point), zero point 8 when none is given.
     */
    private void blocksFromQ4_0(Tensor weight, int k, int n) throws IOException {
        int blocks = k / BLOCK;
        MemorySegment data = weight.data();
        ByteBuffer packed = buffer((long) n * blocks * 16);
        ByteBuffer scales = buffer((long) n * blocks * precision.bytes);
        byte[] q = new byte[BLOCK];
        for (long b = 0; b < (long) n * blocks; b++) {
            long at = b * 18;
            precision.put(scales, Float.float16ToFloat(data.get(SHORT_LE, at)));
            for (int j = 0; j < 16; j++) {
                int v = Byte.toUnsignedInt(data.get(ValueLayout.JAVA_BYTE, at + 2 + j));
                q[j] = (byte) (v & 0xF);
                q[j + 16] = (byte) (v >>> 4);
            }
            for (int i = 0; i < 16; i++) {
                packed.put((byte) (q[2 * i] | q[2 * i + 1] << 4));
            }
        }
        writeBlocks(weight.name(), packed, scales, n, blocks, 16);
    }

    /** ggml Q8_0 block: fp16 scale d, then 32 signed bytes, value d * q; MatMulNBits 8-bit stores q + 128. */
    private void blocksFromQ8_0(Tensor weight, int k, int n) throws IOException {
        int blocks = k / BLOCK;
        MemorySegment data = weight.data();
        ByteBuffer packed = buffer((long) n * blocks * BLOCK);
        ByteBuffer scales = buffer((long) n * blocks * precision.bytes);
        for (long b = 0; b < (long) n * blocks; b++) {
            long at = b * 34;
            precision.put(scales, Float.float16ToFloat(data.get(SHORT_LE, at)));
            for (int j = 0; j < BLOCK; j++) {
                packed.put((byte) (data.get(ValueLayout.JAVA_BYTE, at + 2 + j) + 128));
            }
        }
        writeBlocks(weight.name(), packed, scales, n, blocks, BLOCK);
    }

    /**
     * Dequantizes each row and requantizes it in blocks of 32 to 4 bits between the block's minimum and
     * maximum (a zero point per block, two to a byte, each row's padded to whole bytes).
     */
    private void requantize(Tensor weight, int k, int n) throws IOException {
        int blocks = k / BLOCK;
        int zeroBytesPerRow = (blocks + 1) / 2;
        TensorRows rows = TensorRows.of(weight, file);
        ByteBuffer packed = buffer((long) n * blocks * 16);
        ByteBuffer scales = buffer((long) n * blocks * precision.bytes);
        ByteBuffer zeros = buffer((long) n * zeroBytesPerRow);
        float[] row = new float[k];
        int[] q = new int[BLOCK];
        double errorSquares = 0;
        double sourceSquares = 0;
        for (int r = 0; r < n; r++) {
            rows.read(r, row, 0);
            byte[] rowZeros = new byte[zeroBytesPerRow];
            for (int b = 0; b < blocks; b++) {
                float min = Float.POSITIVE_INFINITY;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < BLOCK; j++) {
                    min = Math.min(min, row[b * BLOCK + j]);
                    max = Math.max(max, row[b * BLOCK + j]);
                }
                // The range must hold 0 so that zero weights stay exact and the zero point is in 0..15.
                min = Math.min(min, 0f);
                max = Math.max(max, 0f);
                float scale = precision.round((max - min) / 15f);
                int zero = scale == 0 ? 8 : Math.clamp(Math.round(-min / scale), 0, 15);
                for (int j = 0; j < BLOCK; j++) {
                    float x = row[b * BLOCK + j];
                    q[j] = scale == 0 ? zero : Math.clamp(Math.round(x / scale) + zero, 0, 15);
                    double error = (q[j] - zero) * (double) scale - x;
                    errorSquares += error * error;
                    sourceSquares += (double) x * x;
                }
                precision.put(scales, scale);
                for (int i = 0; i < 16; i++) {
                    packed.put((byte) (q[2 * i] | q[2 * i + 1] << 4));
                }
                rowZeros[b / 2] |= (byte) (zero << (4 * (b % 2)));
            }
            zeros.put(rowZeros);
        }
        writeBlocks(weight.name(), packed, scales, n, blocks, 16);
        writer.initializer(weight.name() + ".zero_points", TensorProto.DataType.UINT8_VALUE, zeros.flip(),
                (long) n * zeroBytesPerRow);
        requantized.add(new Requantization(weight.name(), weight.type(), 4,
                sourceSquares == 0 ? 0 : Math.sqrt(errorSquares / sourceSquares)));
    }

    private void writeBlocks(String name, ByteBuffer packed, ByteBuffer scales, int n, int blocks, int blobSize)
            throws IOException {
        writer.initializer(name + ".qweight", TensorProto.DataType.UINT8_VALUE, packed.flip(), n, blocks, blobSize);
        writer.initializer(name + ".scales", precision.onnxType, scales.flip(), (long) n * blocks);
    }

    private static ByteBuffer buffer(long bytes) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a weight of " + bytes + " bytes exceeds what one buffer holds");
        }
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
