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
 *       (or, when asked, 8-bit) blocks of 32 with a float zero point, the loss recorded as a
 *       {@link Requantization} (none for Q4_K, whose sub-blocks keep their grid).</li>
 * </ul>
 */
final class WeightEncoder {
    static final int BLOCK = 32;
    /** Largest buffer a transposition holds at once. */
    static final long BAND_BYTES = 64L << 20;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final OnnxModelWriter writer;
    private final Precision precision;
    private final int accuracyLevel;
    private final int kQuantBits;
    private final long bandBytes;
    private final Path file;
    private final List<Requantization> requantized = new ArrayList<>();
    private long sourceBytes;

    WeightEncoder(OnnxModelWriter writer, Precision precision, int accuracyLevel, int kQuantBits, Path file) {
        this(writer, precision, accuracyLevel, kQuantBits, file, BAND_BYTES);
    }

    /** With another transposition band size (tests use small ones to cross band boundaries). */
    WeightEncoder(OnnxModelWriter writer, Precision precision, int accuracyLevel, int kQuantBits, Path file,
            long bandBytes) {
        this.bandBytes = bandBytes;
        this.writer = writer;
        this.kQuantBits = kQuantBits;
        this.precision = precision;
        this.accuracyLevel = accuracyLevel;
        this.file = file;
    }

    /** Bytes of source tensors encoded so far, for progress reports. */
    long sourceBytes() {
        return sourceBytes;
    }

    List<Requantization> requantized() {
        return List.copyOf(requantized);
    }

    /** {@code input @ W^T} as a node; returns its output's name. */
    String matMul(String input, Tensor weight, String output) throws IOException {
        int k = Math.toIntExact(weight.rowLength());
        int n = Math.toIntExact(weight.rows());
        TensorType type = weight.type();
        sourceBytes += weight.data().byteSize();
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
            bits = kQuantBits;
            requantize(weight, k, n, bits);
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
        return floats(tensor, name, precision, dims);
    }

    /** {@link #floats(Tensor, String, long...)} in a given precision. */
    String floats(Tensor tensor, String name, Precision precision, long... dims) throws IOException {
        TensorRows rows = TensorRows.of(tensor, file);
        sourceBytes += tensor.data().byteSize();
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

    /**
     * W^T as {@code [K, N]}, written in bands of output rows (input columns) that fit {@link #BAND_BYTES} (by default), each
     * band a pass over W's rows: no buffer the size of the matrix (an 8B model's output matrix is 2 GB in
     * F32), at the cost of dequantizing W once per band.
     */
    private String floatTransposed(Tensor weight, int k, int n) throws IOException {
        TensorRows rows = TensorRows.of(weight, file);
        int bytes = precision.bytes;
        int band = (int) Math.max(1, Math.min(k, bandBytes / ((long) n * bytes)));
        return writer.streamedInitializer(weight.name(), precision.onnxType, (long) k * n * bytes, data -> {
            float[] row = new float[k];
            ByteBuffer out = buffer((long) band * n * bytes);
            for (int from = 0; from < k; from += band) {
                int to = Math.min(k, from + band);
                out.clear();
                for (int r = 0; r < n; r++) {
                    rows.read(r, row, 0);
                    for (int c = from; c < to; c++) {
                        int at = ((c - from) * n + r) * bytes;
                        if (bytes == 4) {
                            out.putFloat(at, row[c]);
                        } else {
                            out.putShort(at, Float.floatToFloat16(row[c]));
                        }
                    }
                }
                data.write(out.position(0).limit((to - from) * n * bytes));
            }
        }, k, n);
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
     * Dequantizes each row and requantizes it in blocks of 32 to {@code bits} bits, {@code (q - zero) * scale}
     * with a float zero point per block. A block whose values already lie on an evenly spaced grid of at most
     * 2^bits levels (a Q4_K sub-block: {@code d * sc * q - dmin * m}) keeps that grid, so that Q4_K converts
     * without loss; any other block spans its minimum to maximum.
     */
    private void requantize(Tensor weight, int k, int n, int bits) throws IOException {
        int blocks = k / BLOCK;
        int levels = (1 << bits) - 1;
        int blob = BLOCK * bits / 8;
        TensorRows rows = TensorRows.of(weight, file);
        ByteBuffer packed = buffer((long) n * blocks * blob);
        ByteBuffer scales = buffer((long) n * blocks * precision.bytes);
        // 4 bits: a float zero point per block (ONNX Runtime's float path), which keeps Q4_K's offsets exact.
        // 8 bits: a uint8 zero point, the only kind ONNX Runtime's CPU kernel takes at 8 bits.
        boolean floatZeros = bits == 4;
        ByteBuffer zeros = buffer((long) n * blocks * (floatZeros ? precision.bytes : 1));
        float[] row = new float[k];
        float[] sorted = new float[BLOCK];
        int[] q = new int[BLOCK];
        double errorSquares = 0;
        double sourceSquares = 0;
        for (int r = 0; r < n; r++) {
            rows.read(r, row, 0);
            for (int b = 0; b < blocks; b++) {
                System.arraycopy(row, b * BLOCK, sorted, 0, BLOCK);
                java.util.Arrays.sort(sorted);
                float min = sorted[0];
                float scale;
                float zero;
                if (floatZeros) {
                    scale = precision.round(gridStep(sorted, levels));
                    zero = scale == 0 ? 0 : precision.round(-min / scale);
                } else {
                    // An integer zero point: the range must hold 0 so that it falls in 0..levels.
                    min = Math.min(min, 0f);
                    scale = precision.round((Math.max(sorted[BLOCK - 1], 0f) - min) / levels);
                    zero = scale == 0 ? 0 : Math.clamp(Math.round(-min / scale), 0, levels);
                }
                for (int j = 0; j < BLOCK; j++) {
                    float x = row[b * BLOCK + j];
                    q[j] = scale == 0 ? 0 : Math.clamp(Math.round(x / scale + zero), 0, levels);
                    double error = (q[j] - zero) * (double) scale - x;
                    errorSquares += error * error;
                    sourceSquares += (double) x * x;
                }
                precision.put(scales, scale);
                if (floatZeros) {
                    precision.put(zeros, zero);
                } else {
                    zeros.put((byte) zero);
                }
                if (bits == 4) {
                    for (int i = 0; i < 16; i++) {
                        packed.put((byte) (q[2 * i] | q[2 * i + 1] << 4));
                    }
                } else {
                    for (int j = 0; j < BLOCK; j++) {
                        packed.put((byte) q[j]);
                    }
                }
            }
        }
        writeBlocks(weight.name(), packed, scales, n, blocks, blob);
        writer.initializer(weight.name() + ".zero_points",
                floatZeros ? precision.onnxType : TensorProto.DataType.UINT8_VALUE, zeros.flip(), (long) n * blocks);
        requantized.add(new Requantization(weight.name(), weight.type(), bits,
                sourceSquares == 0 ? 0 : Math.sqrt(errorSquares / sourceSquares)));
    }

    /**
     * The spacing of the grid the sorted block's values lie on, when they lie on one of at most {@code levels}
     * steps (the smallest gap between distinct values, checked against every value); otherwise the
     * min-to-max range over {@code levels}.
     */
    private static float gridStep(float[] sorted, int levels) {
        float range = sorted[sorted.length - 1] - sorted[0];
        if (range == 0) {
            return 0;
        }
        float step = Float.POSITIVE_INFINITY;
        for (int i = 1; i < sorted.length; i++) {
            float gap = sorted[i] - sorted[i - 1];
            if (gap > range * 1e-4f) {
                step = Math.min(step, gap);
            }
        }
        float steps = range / step;
        if (steps <= levels + 1e-3f) {
            boolean onGrid = true;
            for (float v : sorted) {
                float t = (v - sorted[0]) / step;
                onGrid &= Math.abs(t - Math.round(t)) < 1e-3f;
            }
            if (onGrid) {
                return step;
            }
        }
        return range / levels;
    }

    private void writeBlocks(String name, ByteBuffer packed, ByteBuffer scales, int n, int blocks, int blobSize)
            throws IOException {
        writer.initializer(name + ".qweight", TensorProto.DataType.UINT8_VALUE, packed.flip(), n, blocks, blobSize);
        writer.initializer(name + ".scales", precision.onnxType, scales.flip(), (long) n * blocks);
    }

    private static ByteBuffer buffer(long bytes) {
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new io.llama4j.LlamaException("a weight of " + bytes + " bytes in one encoding exceeds what the graph "
                    + "builder holds in one buffer (2 GB); models this large are not supported yet");
        }
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }
}
