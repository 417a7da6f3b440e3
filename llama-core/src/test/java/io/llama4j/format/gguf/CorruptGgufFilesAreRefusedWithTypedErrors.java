package io.llama4j.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import io.llama4j.Fixtures;
import io.llama4j.LlamaModel;
import io.llama4j.ModelFormatException;
import io.llama4j.UnsupportedModelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog of broken variants of a real fixture model: every one is refused by {@link LlamaModel#load}
 * with a {@link ModelFormatException} (or its subclass {@link UnsupportedModelException}) whose message
 * names the file and what was wrong, within seconds: never an {@link IndexOutOfBoundsException}, an
 * {@link OutOfMemoryError} or a hang.
 *
 * <p>Variants are made by patching a single copy of the file in place and restoring it afterwards (and,
 * for truncation, by cutting it shorter and shorter), so the catalog costs one copy of the model on disk.
 */
class CorruptGgufFilesAreRefusedWithTypedErrors {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final String EMBEDDING = "token_embd.weight";
    private static final String NORM = "blk.0.attn_norm.weight";
    /** Random variants per run; each load reads the vocabulary, so this is about 20 s. More: -Dllama4j.damages=N. */
    private static final int DAMAGES = Integer.getInteger("llama4j.damages", 80);

    @TempDir
    static Path dir;
    private static byte[] original;
    private static GgufLayout layout;

    @BeforeAll
    static void readFixture() throws IOException {
        original = Files.readAllBytes(Fixtures.gguf("tiny-Q8_0"));
        layout = new GgufLayout(original);
    }

    // ---- truncation ---------------------------------------------------------------------------------

    /** Cuts at every section boundary, longest first, so one file is cut shorter and shorter. */
    @TestFactory
    Stream<DynamicTest> truncationAtEverySectionBoundary() throws IOException {
        TreeSet<Long> cuts = new TreeSet<>(List.of(0L, 3L, 4L, 7L, 8L, 15L, 16L, 23L, 24L));
        // Every field of the first entries and tensor infos; the start and value of every entry; the start
        // of every tensor info and of every tensor's data (each load reads the whole vocabulary first, so
        // cutting inside every field of every entry would cost minutes and find nothing new).
        for (int i = 0; i < layout.entries.size(); i++) {
            GgufLayout.Entry e = layout.entries.get(i);
            cuts.add(e.start());
            cuts.add(e.valueAt());
            if (i < 2) {
                cuts.add(e.start() + 4);     // inside the key's length
                cuts.add(e.typeAt());
            }
        }
        cuts.add(layout.infosStart);
        for (int i = 0; i < layout.tensors.size(); i++) {
            GgufLayout.TensorInfo t = layout.tensors.get(i);
            cuts.add(t.start());
            cuts.add(layout.dataAt(t.name()) + 1);
            if (i < 2) {
                cuts.add(t.dimsAt());
                cuts.add(t.typeAt());
                cuts.add(t.offsetAt());
            }
        }
        cuts.add(layout.infosEnd);
        cuts.add(layout.dataStart);
        cuts.add((long) original.length - 1);
        Path file = Files.write(dir.resolve("cut.gguf"), original);
        return cuts.descendingSet().stream().map(cut -> DynamicTest.dynamicTest("cut at byte " + cut, () -> {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(cut);
            }
            ModelFormatException e = refused(file);
            assertThat(e.getMessage()).containsAnyOf("truncated", "past the end", "not a GGUF file");
        }));
    }

    // ---- counts, lengths and types --------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> countsThatOverflowIntAndLong() {
        List<DynamicTest> tests = new ArrayList<>();
        for (long count : new long[] {1L << 31, 1L << 32, Long.MAX_VALUE, -1L}) {
            tests.add(patch("tensor count " + Long.toUnsignedString(count), GgufLayout.TENSOR_COUNT_AT, u64(count),
                    "tensor"));
            tests.add(patch("metadata count " + Long.toUnsignedString(count), GgufLayout.KV_COUNT_AT, u64(count),
                    "metadata"));
            GgufLayout.Entry tokens = entry("tokenizer.ggml.tokens");
            tests.add(patch("token array length " + Long.toUnsignedString(count), tokens.valueAt() + 4, u64(count),
                    "tokenizer.ggml.tokens"));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> stringLengthsPastTheEnd() {
        List<DynamicTest> tests = new ArrayList<>();
        GgufLayout.Entry first = layout.entries.get(0);
        GgufLayout.Entry arch = entry("general.architecture");
        GgufLayout.TensorInfo tensor = layout.tensors.get(0);
        for (long length : new long[] {original.length, 1L << 31, Long.MAX_VALUE, -1L}) {
            String n = Long.toUnsignedString(length);
            tests.add(patch("key length " + n, first.start(), u64(length), "metadata"));
            tests.add(patch("string value length " + n, arch.valueAt(), u64(length), "general.architecture"));
            tests.add(patch("tensor name length " + n, tensor.start(), u64(length), "tensor"));
        }
        // The length of the first token string, inside the array: the error names the array's key.
        tests.add(patch("token string length past the end", entry("tokenizer.ggml.tokens").valueAt() + 12,
                u64(original.length), "tokenizer.ggml.tokens"));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> unknownValueAndTensorTypes() {
        List<DynamicTest> tests = new ArrayList<>();
        GgufLayout.Entry arch = entry("general.architecture");
        GgufLayout.Entry tokens = entry("tokenizer.ggml.tokens");
        for (int type : new int[] {13, 99, -1, Integer.MIN_VALUE}) {
            tests.add(patch("value type " + type, arch.typeAt(), u32(type), "unknown metadata value type " + type));
            tests.add(patch("array element type " + type, tokens.valueAt(), u32(type), "unknown array element type " + type));
        }
        // 31 to 33 are ids ggml retired; 13 is Q5_K, a real one.
        for (int type : new int[] {31, 99, -1, Integer.MIN_VALUE}) {
            tests.add(patch("tensor type " + type, tensor(EMBEDDING).typeAt(), u32(type), "unknown ggml type " + type));
        }
        // A value type that exists but is not what the key should hold.
        tests.add(patch("block count as a float", entry("llama.block_count").typeAt(), u32(6), "llama.block_count"));
        // A type ggml defines but with another block size than the row length allows, or no kernel.
        tests.add(patch("embedding as Q2_K", tensor(EMBEDDING).typeAt(), u32(10), EMBEDDING));
        tests.add(patch("invalid UTF-8 in a key", layout.entries.get(0).start() + 8, new byte[] {(byte) 0xff},
                "not valid UTF-8"));
        return tests.stream();
    }

    // ---- tensor infos -------------------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> tensorOffsetsPastTheEndOverlappingOrMisaligned() {
        List<DynamicTest> tests = new ArrayList<>();
        GgufLayout.TensorInfo first = layout.tensors.get(0);
        GgufLayout.TensorInfo second = layout.tensors.get(1);
        GgufLayout.TensorInfo last = layout.tensors.get(layout.tensors.size() - 1);
        long dataSize = original.length - layout.dataStart;
        tests.add(patch("offset 2^40", first.offsetAt(), u64(1L << 40), "past the end"));
        tests.add(patch("offset near Long.MAX_VALUE", first.offsetAt(), u64(Long.MAX_VALUE & ~31L), "past the end"));
        tests.add(patch("offset 2^64 - 32", first.offsetAt(), u64(-32L), "tensor data offset"));
        tests.add(patch("offset at the end of the data", last.offsetAt(), u64(dataSize / 32 * 32), "past the end"));
        tests.add(patch("misaligned offset", second.offsetAt(), u64(second.dataOffset() + 1), "not aligned"));
        tests.add(patch("overlapping tensors", second.offsetAt(), u64(first.dataOffset()), "overlap"));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> dimensionsThatAreInvalidOrOverflow() {
        List<DynamicTest> tests = new ArrayList<>();
        GgufLayout.TensorInfo matrix = tensor(EMBEDDING);
        GgufLayout.TensorInfo norm = tensor(NORM);
        for (int nDims : new int[] {0, 5, -1}) {
            tests.add(patch(nDims + " dimensions", matrix.dimsAt(), u32(nDims), "dimensions"));
        }
        tests.add(patch("zero dimension", matrix.dimAt(1), u64(0), "zero-length dimension"));
        tests.add(patch("dimension 2^64 - 1", matrix.dimAt(1), u64(-1L), "dimension 1"));
        byte[] product = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 32).putLong(1L << 32).array();
        tests.add(patch("dimensions whose product overflows", matrix.dimAt(0), product, "overflows"));
        // Fits a long as an element count, but not as F32 bytes.
        tests.add(patch("F32 byte size overflows", norm.dimAt(0), u64(1L << 62), "too large"));
        tests.add(patch("huge row count", matrix.dimAt(1), u64(1L << 40), "past the end"));
        // Well-formed, but not the shape the model's metadata asks for.
        long rows = ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong((int) matrix.dimAt(1));
        tests.add(patch("fewer rows than the vocabulary", matrix.dimAt(1), u64(rows / 2), EMBEDDING));
        return tests.stream();
    }

    // ---- model-level metadata -----------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> metadataThatIsNotARunnableLlama() {
        List<DynamicTest> tests = new ArrayList<>();
        GgufLayout.Entry arch = entry("general.architecture");
        tests.add(patch("architecture qwen2", arch.valueAt() + 8, "qwen2".getBytes(StandardCharsets.US_ASCII),
                "architecture \"qwen2\" is not supported", UnsupportedModelException.class));
        // Same length, so nothing else moves: the required key is simply absent.
        GgufLayout.Entry blocks = entry("llama.block_count");
        tests.add(patch("missing block count", blocks.start() + 8, "xxxxx".getBytes(StandardCharsets.US_ASCII),
                "missing metadata key llama.block_count"));
        GgufLayout.Entry heads = entry("llama.attention.head_count");
        tests.add(patch("zero heads", heads.valueAt(), u32(0), "llama.attention.head_count"));
        tests.add(patch("huge block count", blocks.valueAt(), u32(-1), "llama.block_count"));
        tests.add(patch("wrong magic", 0, u32(0x12345678), "wrong magic"));
        tests.add(patch("version 1", 4, u32(1), "GGUF version 1", UnsupportedModelException.class));
        tests.add(patch("version 2^31", 4, u32(Integer.MIN_VALUE), "GGUF version", UnsupportedModelException.class));
        return tests.stream();
    }

    // ---- values that parse but cannot be right ------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> valuesThatParseButCannotBeRight() {
        List<DynamicTest> tests = new ArrayList<>();
        GgufLayout.Entry fileType = entry("general.file_type");
        // Same key length, same value type (uint32): the entry becomes general.alignment with this value.
        byte[] alignmentKey = "general.alignment".getBytes(StandardCharsets.US_ASCII);
        for (int alignment : new int[] {0, 12, 64, Integer.MIN_VALUE}) {
            tests.add(patch("general.alignment " + Integer.toUnsignedString(alignment), fileType.start() + 8,
                    concat(alignmentKey, u32(4), u32(alignment)), alignment == 64 ? "not aligned to 64" : "general.alignment"));
        }
        tests.add(patch("bool value 2", entry("tokenizer.ggml.add_bos_token").valueAt(), new byte[] {2},
                "bool value 2 is neither 0 nor 1"));
        tests.add(patch("bos token outside the vocabulary", entry("tokenizer.ggml.bos_token_id").valueAt(), u32(200_000),
                "tokenizer.ggml.bos_token_id 200000 is outside the vocabulary"));
        GgufLayout.Entry theta = entry("llama.rope.freq_base");
        GgufLayout.Entry eps = entry("llama.attention.layer_norm_rms_epsilon");
        for (float v : new float[] {Float.NaN, Float.POSITIVE_INFINITY, 0f, -1f}) {
            tests.add(patch("rope freq_base " + v, theta.valueAt(), f32(v), "llama.rope.freq_base"));
            tests.add(patch("rms epsilon " + v, eps.valueAt(), f32(v), "llama.attention.layer_norm_rms_epsilon"));
        }
        tests.add(patch("duplicate metadata key", sameLengthKeys()[1].start() + 8,
                sameLengthKeys()[0].key().getBytes(StandardCharsets.UTF_8), "duplicate metadata key"));
        GgufLayout.TensorInfo q = tensor("blk.0.attn_q.weight");
        GgufLayout.TensorInfo k = tensor("blk.0.attn_k.weight");
        tests.add(patch("duplicate tensor name", k.start() + 8, q.name().getBytes(StandardCharsets.UTF_8),
                "duplicate tensor name blk.0.attn_q.weight"));
        tests.add(patch("tensor name with invalid UTF-8", q.start() + 8, new byte[] {(byte) 0xC0, (byte) 0x80},
                "not valid UTF-8"));
        return tests.stream();
    }

    /** Two metadata keys of the same length, the later one first in the pair's second place. */
    private static GgufLayout.Entry[] sameLengthKeys() {
        for (int i = 0; i < layout.entries.size(); i++) {
            for (int j = i + 1; j < layout.entries.size(); j++) {
                if (layout.entries.get(i).key().length() == layout.entries.get(j).key().length()) {
                    return new GgufLayout.Entry[] {layout.entries.get(i), layout.entries.get(j)};
                }
            }
        }
        throw new AssertionError("no two keys of the same length");
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] f32(float v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
    }

    // ---- random damage ------------------------------------------------------------------------------

    /**
     * Seeded random corruption of the header (metadata and tensor infos, where every count and offset
     * lives): each variant either loads (the damage hit a harmless byte) or is refused with a typed error.
     */
    @Test
    void randomHeaderDamageIsLoadedOrRefusedButNeverCrashes() throws IOException {
        Path file = Files.write(dir.resolve("random.gguf"), original);
        SplittableRandom random = new SplittableRandom(9);
        long[] fields = interestingOffsets();
        int refused = 0;
        for (int i = 0; i < DAMAGES; i++) {
            long at = random.nextInt(3) == 0 ? random.nextLong(layout.infosEnd)
                    : fields[random.nextInt(fields.length)] + random.nextInt(8);
            byte[] damage = new byte[1 + random.nextInt(8)];
            random.nextBytes(damage);
            String what = "damage #" + i + ": " + Arrays.toString(damage) + " at byte " + at;
            Throwable outcome = withPatch(file, at, damage, () -> outcome(file));
            if (outcome != null) {
                if (!(outcome instanceof ModelFormatException)) {
                    throw new AssertionError(what + " gave " + outcome, outcome);
                }
                refused++;
            }
        }
        System.out.printf("random header damage: %d variants, %d refused, %d loaded%n", DAMAGES, refused, DAMAGES - refused);
        assertThat(refused).as("the damage should mostly hit fields that matter").isGreaterThan(DAMAGES / 3);
    }

    private static long[] interestingOffsets() {
        List<Long> offsets = new ArrayList<>(List.of(0L, 4L, 8L, 16L));
        for (GgufLayout.Entry e : layout.entries) {
            offsets.addAll(List.of(e.start(), e.typeAt(), e.valueAt()));
        }
        for (GgufLayout.TensorInfo t : layout.tensors) {
            offsets.addAll(List.of(t.start(), t.dimsAt(), t.dimAt(0), t.typeAt(), t.offsetAt()));
        }
        return offsets.stream().mapToLong(Long::longValue).toArray();
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static GgufLayout.Entry entry(String key) {
        GgufLayout.Entry e = layout.byKey.get(key);
        if (e == null) {
            fail("the fixture has no metadata key " + key + " (keys: " + layout.byKey.keySet() + ")");
        }
        return e;
    }

    private static GgufLayout.TensorInfo tensor(String name) {
        GgufLayout.TensorInfo t = layout.byName.get(name);
        if (t == null) {
            fail("the fixture has no tensor " + name);
        }
        return t;
    }

    private static DynamicTest patch(String name, long at, byte[] bytes, String expected) {
        return patch(name, at, bytes, expected, ModelFormatException.class);
    }

    /** A case: {@code bytes} written over the fixture at {@code at} must be refused with {@code type}. */
    private static DynamicTest patch(String name, long at, byte[] bytes, String expected,
                                     Class<? extends ModelFormatException> type) {
        return DynamicTest.dynamicTest(name, () -> {
            Path file = dir.resolve("patched.gguf");
            if (!Files.exists(file)) {
                Files.write(file, original);
            }
            withPatch(file, at, bytes, () -> {
                ModelFormatException e = refused(file);
                assertThat(e).isInstanceOf(type);
                assertThat(e.getMessage()).contains(expected);
                return null;
            });
        });
    }

    /** Writes {@code bytes} at {@code at}, runs {@code test}, and puts the original bytes back. */
    private static <T> T withPatch(Path file, long at, byte[] bytes, ThrowingSupplier<T> test) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), at);
        }
        try {
            return test.get();
        } finally {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(original, (int) at, bytes.length), at);
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingSupplier<T> {
        T get() throws IOException;
    }

    /** What loading {@code file} throws (null if it loads), within the time limit. */
    private static Throwable outcome(Path file) {
        return assertTimeoutPreemptively(LIMIT, () -> {
            try {
                LlamaModel.load(file).close();
                return null;
            } catch (Throwable t) {
                return t;
            }
        }, () -> "loading " + file + " did not end within " + LIMIT);
    }

    /** Loading {@code file} must fail with a typed exception that names the file. */
    private static ModelFormatException refused(Path file) {
        Throwable t = outcome(file);
        if (t == null) {
            fail(file + " loaded although it is corrupt");
        }
        if (!(t instanceof ModelFormatException e)) {
            throw new AssertionError("expected a ModelFormatException, got " + t, t);
        }
        assertThat(e.getMessage()).contains(file.getFileName().toString());
        return e;
    }

    private static byte[] u64(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array();
    }
}
