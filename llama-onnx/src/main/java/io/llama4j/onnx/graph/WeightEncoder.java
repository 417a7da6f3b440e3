package io.llama4j.onnx.graph;

import io.llama4j.kernel.TensorRows;
import io.llama4j.onnx.graph.OnnxModelWriter.Region;
import io.llama4j.onnx.proto.Onnx.TensorProto;
import io.llama4j.spi.Tensor;
import io.llama4j.spi.TensorType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;

/**
 * Puts a [N x K] weight (N output rows of K inputs, GGUF's layout) into the graph as the right-hand side of
 * {@code x @ W^T}, choosing the encoding that loses nothing where ONNX Runtime has a kernel for it:
 * <ul>
 *   <li>F32, F16, BF16: a float {@code [K, N]} initializer (transposed here, once) for {@code MatMul};</li>
 *   <li>Q4_0 and Q8_0: their blocks of 32 re-laid as {@code MatMulNBits} blocks ({@link BlockRelayout}):
 *       the same values exactly; the same blocks also serve a quantized embedding table
 *       ({@code GatherBlockQuantized});</li>
 *   <li>other types (K-quants): dequantized with the Java kernel's dequantizer and requantized to 4-bit
 *       (or, when asked, 8-bit) blocks of 32 with a float zero point, the loss recorded as a
 *       {@link Requantization} (none for Q4_K, whose sub-blocks keep their grid).</li>
 * </ul>
 * The graph's nodes are added on the calling thread; the bytes of each weight are encoded on
 * {@link EncodingJobs}' pool in chunks of at most {@link #CHUNK_BYTES}, each written straight into the
 * weight's reserved region of the data file, so that memory stays a few chunks whatever the model's size.
 * Call {@link #finish} before using the graph and {@link #close} in any case.
 */
final class WeightEncoder implements AutoCloseable {
    static final int BLOCK = 32;
    /** Largest buffer a transposition band of a quantized weight holds at once. */
    static final long BAND_BYTES = 64L << 20;
    /** Output bytes one encoding job fills before writing them out. */
    static final long CHUNK_BYTES = 8L << 20;
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final OnnxModelWriter writer;
    private final Precision precision;
    private final int accuracyLevel;
    private final int kQuantBits;
    private final long bandBytes;
    private final Path file;
    private final EncodingJobs jobs;
    private final List<Future<Requantization>> requantized = new ArrayList<>();
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
        this.jobs = new EncodingJobs();
    }

    /** Where the nodes and initializers go. */
    OnnxModelWriter writer() {
        return writer;
    }

    /** Bytes of source tensors queued for encoding so far. */
    long sourceBytes() {
        return sourceBytes;
    }

    /** Bytes of source tensors whose encoding has finished. */
    long encodedBytes() {
        return jobs.doneBytes();
    }

    /** Waits until every weight is written, calling {@code tick} now and then; rethrows the first failure. */
    void finish(Runnable tick) throws IOException {
        jobs.awaitAll(200, tick);
    }

    /** The requantized weights in graph order, once {@link #finish} has returned. */
    List<Requantization> requantized() throws IOException {
        List<Requantization> list = new ArrayList<>();
        for (Future<Requantization> f : requantized) {
            list.add(EncodingJobs.result(f, 200, () -> { }));
        }
        return list;
    }

    @Override
    public void close() {
        jobs.close();
    }

    /** Whether {@code weight}'s blocks go into the graph as they are ({@link #blocks}). */
    static boolean keepsItsBlocks(Tensor weight) {
        return (weight.type() == TensorType.Q4_0 || weight.type() == TensorType.Q8_0) && weight.rowLength() % BLOCK == 0;
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
        if (keepsItsBlocks(weight)) {
            return matMul(input, blocks(weight), output);
        }
        String name = weight.name();
        Region[] regions = requantize(weight, k, n, kQuantBits);
        return writer.add(writer.node("MatMulNBits", OnnxModelWriter.MICROSOFT,
                        new String[] {input, name + ".qweight", name + ".scales", name + ".zero_points"}, output)
                .addAttribute(OnnxModelWriter.attr("K", (long) k))
                .addAttribute(OnnxModelWriter.attr("N", (long) n))
                .addAttribute(OnnxModelWriter.attr("bits", (long) kQuantBits))
                .addAttribute(OnnxModelWriter.attr("block_size", (long) BLOCK))
                .addAttribute(OnnxModelWriter.attr("accuracy_level", (long) accuracyLevel)));
    }

    /** {@code input @ W^T} over blocks already in the graph. */
    String matMul(String input, Blocks w, String output) {
        return writer.add(writer.node("MatMulNBits", OnnxModelWriter.MICROSOFT,
                        new String[] {input, w.name() + ".qweight", w.name() + ".scales"}, output)
                .addAttribute(OnnxModelWriter.attr("K", (long) w.k()))
                .addAttribute(OnnxModelWriter.attr("N", (long) w.n()))
                .addAttribute(OnnxModelWriter.attr("bits", (long) w.bits()))
                .addAttribute(OnnxModelWriter.attr("block_size", (long) BLOCK))
                .addAttribute(OnnxModelWriter.attr("accuracy_level", (long) accuracyLevel)));
    }

    /**
     * Rows {@code indices} of a table kept as blocks, dequantized by {@code GatherBlockQuantized} into the
     * graph's precision: the same bytes as the blocks' {@code MatMulNBits} initializers, under the 2-D shapes
     * the gather reads ({@code [N, K * bits / 8]} data, {@code [N, K / 32]} scales).
     */
    String gather(Blocks table, String indices, String output) {
        String data = writer.alias(table.name() + ".gather_data", TensorProto.DataType.UINT8_VALUE, table.packed(),
                table.n(), (long) table.k() * table.bits() / 8);
        String scales = writer.alias(table.name() + ".gather_scales", precision.onnxType, table.scales(),
                table.n(), table.k() / BLOCK);
        return writer.add(writer.node("GatherBlockQuantized", OnnxModelWriter.MICROSOFT,
                        new String[] {data, indices, scales}, output)
                .addAttribute(OnnxModelWriter.attr("gather_axis", 0L))
                .addAttribute(OnnxModelWriter.attr("quantize_axis", 1L))
                .addAttribute(OnnxModelWriter.attr("block_size", (long) BLOCK))
                .addAttribute(OnnxModelWriter.attr("bits", (long) table.bits())));
    }

    /**
     * A Q4_0 or Q8_0 weight's blocks as {@code MatMulNBits} initializers {@code NAME.qweight}
     * {@code [N, K/32, 16|32]} and {@code NAME.scales} {@code [N * K/32]}, encoded on the pool.
     */
    Blocks blocks(Tensor weight) {
        int k = Math.toIntExact(weight.rowLength());
        int n = Math.toIntExact(weight.rows());
        boolean four = weight.type() == TensorType.Q4_0;
        int bits = four ? 4 : 8;
        int blobBytes = BLOCK * bits / 8;
        int sourceBlockBytes = four ? BlockRelayout.Q4_0_BYTES : BlockRelayout.Q8_0_BYTES;
        int blocksPerRow = k / BLOCK;
        long blocks = (long) n * blocksPerRow;
        String name = weight.name();
        Region packed = writer.reserve(name + ".qweight", TensorProto.DataType.UINT8_VALUE, blocks * blobBytes,
                n, blocksPerRow, blobBytes);
        Region scales = writer.reserve(name + ".scales", precision.onnxType, blocks * precision.bytes, blocks);
        MemorySegment source = weight.data();
        int perJob = (int) Math.max(1, CHUNK_BYTES / (blobBytes + precision.bytes));
        for (long first = 0; first < blocks; first += perJob) {
            long from = first;
            int count = (int) Math.min(perJob, blocks - first);
            long readBytes = (long) count * sourceBlockBytes;
            queue(readBytes, () -> {
                // One bulk copy out of the mapping, then plain heap-buffer loads (see BlockRelayout).
                Scratch scratch = SCRATCH.get();
                ByteBuffer src = scratch.in((int) readBytes);
                MemorySegment.copy(source, ValueLayout.JAVA_BYTE, from * sourceBlockBytes, src.array(), 0, (int) readBytes);
                ByteBuffer out = scratch.out(count * blobBytes);
                ByteBuffer outScales = scratch.scales(count * precision.bytes);
                if (four) {
                    BlockRelayout.q4_0(src, count, out, outScales, precision);
                } else {
                    BlockRelayout.q8_0(src, count, out, outScales, precision);
                }
                writer.fill(packed, from * blobBytes, out);
                writer.fill(scales, from * precision.bytes, outScales);
                release(source.asSlice(from * sourceBlockBytes, readBytes));
                return null;
            });
        }
        return new Blocks(name, bits, n, k, packed, scales);
    }

    /**
     * Each pool thread's buffers for block re-layout, reused from job to job: fresh ones per job would make
     * the heap grow (and be touched anew) by the size of the model.
     */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch {
        private ByteBuffer in = ByteBuffer.allocate(0);
        private ByteBuffer out = ByteBuffer.allocate(0);
        private ByteBuffer scales = ByteBuffer.allocate(0);

        ByteBuffer in(int bytes) {
            in = fit(in, bytes);
            return in;
        }

        ByteBuffer out(int bytes) {
            out = fit(out, bytes);
            return out;
        }

        ByteBuffer scales(int bytes) {
            scales = fit(scales, bytes);
            return scales;
        }

        /** {@code buffer}, or a larger one, cleared to hold exactly {@code bytes}, little-endian. */
        private static ByteBuffer fit(ByteBuffer buffer, int bytes) {
            ByteBuffer b = buffer.capacity() >= bytes ? buffer : ByteBuffer.allocate(bytes);
            b.clear().limit(bytes);
            return b.order(ByteOrder.LITTLE_ENDIAN);
        }
    }

    /**
     * A weight kept as {@code MatMulNBits} blocks: initializers {@code name.qweight} and {@code name.scales}
     * in the regions {@code packed} and {@code scales}.
     */
    record Blocks(String name, int bits, int n, int k, Region packed, Region scales) {
    }

    /** A float tensor as stored (norm weights, a float embedding table), rows dequantized in chunks. */
    String floats(Tensor tensor, String name, long... dims) {
        return floats(tensor, name, precision, dims);
    }

    /** {@link #floats(Tensor, String, long...)} in a given precision. */
    String floats(Tensor tensor, String name, Precision precision, long... dims) {
        int cols = Math.toIntExact(tensor.rowLength());
        int rows = Math.toIntExact(tensor.rows());
        long rowBytes = (long) cols * precision.bytes;
        Region region = writer.reserve(name, precision.onnxType, rows * rowBytes, dims);
        MemorySegment source = tensor.data();
        long sourceRowBytes = source.byteSize() / rows;
        int perJob = (int) Math.max(1, CHUNK_BYTES / rowBytes);
        for (int first = 0; first < rows; first += perJob) {
            int from = first;
            int to = Math.min(rows, first + perJob);
            queue((to - from) * sourceRowBytes, () -> {
                TensorRows reader = TensorRows.of(tensor, file);
                float[] row = new float[cols];
                short[] half = precision == Precision.FP16 ? new short[cols] : null;
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment out = arena.allocate((to - from) * rowBytes);
                    for (int r = from; r < to; r++) {
                        reader.read(r, row, 0);
                        long at = (r - from) * rowBytes;
                        if (half == null) {
                            MemorySegment.copy(row, 0, out, FLOAT_LE, at, cols);
                        } else {
                            for (int c = 0; c < cols; c++) {
                                half[c] = Float.floatToFloat16(row[c]);
                            }
                            MemorySegment.copy(half, 0, out, SHORT_LE, at, cols);
                        }
                    }
                    writer.fill(region, from * rowBytes, out.asByteBuffer());
                }
                release(source.asSlice(from * sourceRowBytes, (to - from) * sourceRowBytes));
                return null;
            });
        }
        return name;
    }

    /** Fills one row of a computed table. */
    @FunctionalInterface
    interface RowValues {
        void row(int index, float[] out);
    }

    /**
     * A float initializer {@code [rows, cols]} whose rows {@code values} computes (the rotary caches), in the
     * graph's precision, computed on the pool in chunks of rows.
     */
    String computed(String name, int rows, int cols, RowValues values) {
        long rowBytes = (long) cols * precision.bytes;
        Region region = writer.reserve(name, precision.onnxType, rows * rowBytes, rows, cols);
        int perJob = (int) Math.max(1, CHUNK_BYTES / rowBytes);
        for (int first = 0; first < rows; first += perJob) {
            int from = first;
            int to = Math.min(rows, first + perJob);
            queue(0, () -> {
                float[] all = new float[(to - from) * cols];
                float[] row = new float[cols];
                for (int r = from; r < to; r++) {
                    values.row(r, row);
                    System.arraycopy(row, 0, all, (r - from) * cols, cols);
                }
                writeFloats(all, region, from * rowBytes);
                return null;
            });
        }
        return name;
    }

    /**
     * W^T as {@code [K, N]}. A float source (F32, F16, BF16) is transposed a tile of W's rows at a time (at
     * most {@link #CHUNK_BYTES} of output, or the band size given), one job each: the tile is read once,
     * in order, and its K short runs of output written where they go. Any other type is read a whole row at
     * a time through the dequantizer, one band of at most {@link #BAND_BYTES} per pass over W.
     */
    private String floatTransposed(Tensor weight, int k, int n) {
        int bytes = precision.bytes;
        Region region = writer.reserve(weight.name(), precision.onnxType, (long) k * n * bytes, k, n);
        TensorType type = weight.type();
        boolean floatSource = type == TensorType.F32 || type == TensorType.F16 || type == TensorType.BF16;
        if (!floatSource) {
            int band = (int) Math.max(1, Math.min(k, bandBytes / ((long) n * bytes)));
            queue(weight.data().byteSize(), () -> {
                transposedThroughRows(weight, k, n, band, region);
                return null;
            });
            return weight.name();
        }
        int tile = (int) Math.max(1, Math.min(n, Math.min(CHUNK_BYTES, bandBytes) / ((long) k * bytes)));
        for (int first = 0; first < n; first += tile) {
            int from = first;
            int to = Math.min(n, first + tile);
            queue(weight.data().byteSize() * (to - from) / n, () -> {
                transposedRows(weight, k, n, from, to, region);
                return null;
            });
        }
        return weight.name();
    }

    /**
     * Columns {@code from ..< to} of W^T (rows of the float weight W): for each of the K output rows, one
     * run of {@code to - from} values written to its place in {@code region}.
     */
    private void transposedRows(Tensor weight, int k, int n, int from, int to, Region region) throws IOException {
        int height = to - from;
        MemorySegment source = weight.data();
        int elementBytes = weight.type() == TensorType.F32 ? 4 : 2;
        float[] row = new float[k];
        float[] out = new float[k * height];
        for (int r = from; r < to; r++) {
            long at = (long) r * k * elementBytes;
            switch (weight.type()) {
                case F32 -> MemorySegment.copy(source, FLOAT_LE, at, row, 0, k);
                case F16 -> {
                    for (int c = 0; c < k; c++) {
                        row[c] = Float.float16ToFloat(source.get(SHORT_LE, at + 2L * c));
                    }
                }
                default -> { // BF16: the top half of an F32
                    for (int c = 0; c < k; c++) {
                        row[c] = Float.intBitsToFloat(source.get(SHORT_LE, at + 2L * c) << 16);
                    }
                }
            }
            for (int c = 0; c < k; c++) {
                out[c * height + (r - from)] = row[c];
            }
        }
        int bytes = precision.bytes;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment encoded = encode(out, arena);
            for (int c = 0; c < k; c++) {
                writer.fill(region, ((long) c * n + from) * bytes,
                        encoded.asSlice((long) c * height * bytes, (long) height * bytes).asByteBuffer());
            }
        }
        release(source.asSlice((long) from * k * elementBytes, (long) height * k * elementBytes));
    }

    /** W^T in bands of {@code band} output rows, each band one pass over W's dequantized rows. */
    private void transposedThroughRows(Tensor weight, int k, int n, int band, Region region) throws IOException {
        TensorRows rows = TensorRows.of(weight, file);
        float[] row = new float[k];
        float[] out = new float[band * n];
        for (int from = 0; from < k; from += band) {
            int to = Math.min(k, from + band);
            for (int r = 0; r < n; r++) {
                rows.read(r, row, 0);
                for (int c = from; c < to; c++) {
                    out[(c - from) * n + r] = row[c];
                }
            }
            writeFloats(Arrays.copyOf(out, (to - from) * n), region, (long) from * n * precision.bytes);
        }
    }

    /** {@code values} in the graph's precision at {@code at} bytes into {@code region}. */
    private void writeFloats(float[] values, Region region, long at) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            writer.fill(region, at, encode(values, arena).asByteBuffer());
        }
    }

    /** {@code values} in the graph's precision, little-endian, in memory from {@code arena}. */
    private MemorySegment encode(float[] values, Arena arena) {
        MemorySegment out = arena.allocate((long) values.length * precision.bytes);
        if (precision == Precision.FP32) {
            MemorySegment.copy(values, 0, out, FLOAT_LE, 0, values.length);
        } else {
            short[] half = new short[values.length];
            for (int i = 0; i < values.length; i++) {
                half[i] = Float.floatToFloat16(values[i]);
            }
            MemorySegment.copy(half, 0, out, SHORT_LE, 0, half.length);
        }
        return out;
    }

    /**
     * Dequantizes each row and requantizes it in blocks of 32 to {@code bits} bits, {@code (q - zero) * scale}
     * with a float zero point per block (4 bits) or a uint8 one (8 bits). A block whose values already lie on
     * an evenly spaced grid of at most 2^bits levels (a Q4_K sub-block: {@code d * sc * q - dmin * m}) keeps
     * that grid, so that Q4_K converts without loss; any other block spans its minimum to maximum. One job
     * per weight, which records the loss; returns the qweight, scales and zero point regions.
     */
    private Region[] requantize(Tensor weight, int k, int n, int bits) {
        int blocks = k / BLOCK;
        int blob = BLOCK * bits / 8;
        // 4 bits: a float zero point per block (ONNX Runtime's float path), which keeps Q4_K's offsets exact.
        // 8 bits: a uint8 zero point, the only kind ONNX Runtime's CPU kernel takes at 8 bits.
        boolean floatZeros = bits == 4;
        int zeroBytes = floatZeros ? precision.bytes : 1;
        String name = weight.name();
        Region packed = writer.reserve(name + ".qweight", TensorProto.DataType.UINT8_VALUE, (long) n * blocks * blob,
                n, blocks, blob);
        Region scales = writer.reserve(name + ".scales", precision.onnxType, (long) n * blocks * precision.bytes,
                (long) n * blocks);
        Region zeros = writer.reserve(name + ".zero_points",
                floatZeros ? precision.onnxType : TensorProto.DataType.UINT8_VALUE, (long) n * blocks * zeroBytes,
                (long) n * blocks);
        requantized.add(queue(weight.data().byteSize(), () -> {
            Requantizer q = new Requantizer(precision, bits, floatZeros);
            TensorRows rows = TensorRows.of(weight, file);
            float[] row = new float[k];
            int perChunk = (int) Math.max(1, CHUNK_BYTES / ((long) blocks * (blob + precision.bytes + zeroBytes)));
            for (int first = 0; first < n; first += perChunk) {
                int to = Math.min(n, first + perChunk);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment outPacked = arena.allocate((long) (to - first) * blocks * blob);
                    MemorySegment outScales = arena.allocate((long) (to - first) * blocks * precision.bytes);
                    MemorySegment outZeros = arena.allocate((long) (to - first) * blocks * zeroBytes);
                    for (int r = first; r < to; r++) {
                        rows.read(r, row, 0);
                        q.row(row, blocks, (long) (r - first) * blocks, outPacked, outScales, outZeros);
                    }
                    writer.fill(packed, (long) first * blocks * blob, outPacked.asByteBuffer());
                    writer.fill(scales, (long) first * blocks * precision.bytes, outScales.asByteBuffer());
                    writer.fill(zeros, (long) first * blocks * zeroBytes, outZeros.asByteBuffer());
                }
            }
            return new Requantization(name, weight.type(), bits, q.relativeRmsError());
        }));
        return new Region[] {packed, scales, zeros};
    }

    private <T> Future<T> queue(long readBytes, java.util.concurrent.Callable<T> job) {
        sourceBytes += readBytes;
        return jobs.submit(readBytes, job);
    }

    /**
     * Drops the pages of a mapped source range from this process's resident set once encoded (they stay in
     * the page cache, and come back on the next read): the build's memory stays a few chunks, not the model.
     */
    private static void release(MemorySegment source) {
        if (source.isMapped()) {
            source.unload();
        }
    }
}
