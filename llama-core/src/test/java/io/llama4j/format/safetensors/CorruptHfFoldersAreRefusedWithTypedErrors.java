package io.llama4j.format.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llama4j.Fixtures;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.ModelFormatException;
import io.llama4j.UnsupportedModelException;
import io.llama4j.format.FileRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog of broken variants of the tiny HF fixture ({@code tiny-hf}: config.json, a BF16 model.safetensors,
 * tokenizer.json): every one is refused with a {@link ModelFormatException} (or its subclass
 * {@link UnsupportedModelException}) whose message names the file and what is wrong, within seconds; never
 * an {@link IndexOutOfBoundsException}, an {@link OutOfMemoryError} or a hang.
 *
 * <p>Variants of model.safetensors are opened with the reader the folder format uses
 * ({@link SafetensorsFile#open}); variants of config.json, of the shard index and of the weights' values are
 * loaded as a whole folder with {@link LlamaModel#load}. The header is rewritten with Jackson, independent of
 * the reader under test.
 */
class CorruptHfFoldersAreRefusedWithTypedErrors {
    private static final Duration LIMIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EMBEDDING = "model.embed_tokens.weight";
    private static final String NORM = "model.layers.0.input_layernorm.weight";
    private static final String Q = "model.layers.0.self_attn.q_proj.weight";

    @TempDir
    static Path dir;
    private static Path fixture;
    private static byte[] original;
    private static long headerLength;
    private static ObjectNode header;
    private static byte[] data;

    @BeforeAll
    static void readFixture() throws IOException {
        fixture = Fixtures.existingFile(Fixtures.models().resolve("tiny-hf"));
        original = Files.readAllBytes(fixture.resolve("model.safetensors"));
        headerLength = ByteBuffer.wrap(original, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        header = (ObjectNode) JSON.readTree(new String(original, 8, (int) headerLength, StandardCharsets.UTF_8));
        data = Arrays.copyOfRange(original, 8 + (int) headerLength, original.length);
    }

    // ---- model.safetensors: truncation ------------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> truncationAtEverySectionBoundary() {
        TreeSet<Long> cuts = new TreeSet<>(List.of(0L, 1L, 7L, 8L, 9L, 8 + headerLength / 2, 7 + headerLength,
                8 + headerLength, (long) original.length - 1));
        for (var field : header.properties()) {
            if (field.getValue().has("data_offsets")) {
                long begin = field.getValue().get("data_offsets").get(0).asLong();
                long end = field.getValue().get("data_offsets").get(1).asLong();
                cuts.add(8 + headerLength + begin + 1);   // inside the first element of each tensor
                cuts.add(8 + headerLength + end - 1);     // just before each tensor's end
            }
        }
        return cuts.stream().map(cut -> DynamicTest.dynamicTest("cut at byte " + cut, () -> {
            Path file = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(original, (int) (long) cut));
            assertThat(refusedByReader(file).getMessage()).containsAnyOf("truncated", "past the end");
        }));
    }

    // ---- model.safetensors: the header length and the header text ----------------------------------------

    @TestFactory
    Stream<DynamicTest> headerLengthsThatOverflowOrRunPastTheEnd() {
        List<DynamicTest> tests = new ArrayList<>();
        for (long length : new long[] {0, 1, original.length - 7, original.length, 1L << 31, 1L << 32, 1L << 40,
                Long.MAX_VALUE, Long.MIN_VALUE, -1L}) {
            tests.add(DynamicTest.dynamicTest("header length " + Long.toUnsignedString(length), () -> {
                byte[] bytes = original.clone();
                ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
                Path file = Files.write(dir.resolve("length.safetensors"), bytes);
                assertThat(refusedByReader(file).getMessage()).contains("header length")
                        .contains(Long.toUnsignedString(length));
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> headersThatAreNotUtf8OrNotJson() {
        String text = header.toString();
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(rawHeader("invalid UTF-8 in a tensor name", text.getBytes(StandardCharsets.UTF_8), bytes -> {
            int at = indexOf(bytes, EMBEDDING.getBytes(StandardCharsets.UTF_8));
            bytes[at] = (byte) 0xFF;
        }, "not UTF-8"));
        tests.add(rawHeader("a lone UTF-8 continuation byte", text.getBytes(StandardCharsets.UTF_8),
                bytes -> bytes[2] = (byte) 0x80, "not UTF-8"));
        tests.add(rawHeader("the JSON cut short", text.substring(0, text.length() / 2), "not valid JSON"));
        tests.add(rawHeader("text after the JSON", text + " {}", "not valid JSON"));
        tests.add(rawHeader("a duplicate tensor", text.substring(0, text.length() - 1) + ",\"" + NORM
                + "\":{\"dtype\":\"BF16\",\"shape\":[64],\"data_offsets\":[0,128]}}", "duplicate member"));
        tests.add(rawHeader("nesting 100 deep", "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}", "nested deeper"));
        tests.add(rawHeader("a control character in a name", "{\"a\u0001\":{}}", "control character"));
        tests.add(rawHeader("a bad \\u escape", "{\"\\u-7ff\":{}}", "bad \\u escape"));
        tests.add(rawHeader("a JSON array instead of an object", "[" + text + "]", "not a JSON object"));
        tests.add(rawHeader("a tensor entry that is a number", "{\"" + NORM + "\": 5}", "not an object"));
        tests.add(rawHeader("only spaces", "        ", "not valid JSON"));
        return tests.stream();
    }

    // ---- model.safetensors: tensor entries -------------------------------------------------------------

    @TestFactory
    Stream<DynamicTest> dtypesThatAreUnknownOrMissing() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String dtype : new String[] {"Q4", "bf16", "BFLOAT16", ""}) {
            tests.add(entry("dtype \"" + dtype + "\"", NORM, t -> t.put("dtype", dtype), "unknown dtype \"" + dtype + "\""));
        }
        tests.add(entry("dtype as a number", NORM, t -> t.put("dtype", 5), "missing dtype"));
        tests.add(entry("no dtype", NORM, t -> t.remove("dtype"), "missing dtype"));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> shapesThatOverflowOrDisagreeWithTheBytes() {
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(entry("shape product overflows", EMBEDDING, t -> shape(t, 1L << 32, 1L << 32), "overflows"));
        tests.add(entry("shape product fits, bytes overflow", EMBEDDING, t -> shape(t, 1L << 62, 1), "overflows"));
        tests.add(entry("shape of 2^63 - 1", NORM, t -> shape(t, Long.MAX_VALUE), "overflows"));
        tests.add(entry("shape bigger than the bytes", NORM, t -> shape(t, 65), "needs 130"));
        tests.add(entry("shape smaller than the bytes", EMBEDDING, t -> shape(t, 128256, 32), "needs 8208384"));
        tests.add(entry("negative dimension", NORM, t -> shape(t, -64), "not a non-negative integer"));
        tests.add(entry("fractional dimension", NORM, t -> ((ArrayNode) t.get("shape")).removeAll().add(64.5),
                "not a non-negative integer"));
        tests.add(entry("dimension as a string", NORM, t -> ((ArrayNode) t.get("shape")).removeAll().add("64"),
                "not a non-negative integer"));
        tests.add(entry("no shape", NORM, t -> t.remove("shape"), "missing shape"));
        tests.add(entry("shape not a list", NORM, t -> t.put("shape", 64), "missing shape"));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> dataOffsetsPastTheEndOverlappingOrMisaligned() {
        List<DynamicTest> tests = new ArrayList<>();
        long[] norm = offsets(NORM);
        long[] q = offsets(Q);
        long size = data.length;
        tests.add(entry("offsets past the end", NORM, t -> offsets(t, size, size + 128), "past the end"));
        tests.add(entry("offsets at 2^62", NORM, t -> offsets(t, 1L << 62, (1L << 62) + 128), "past the end"));
        tests.add(entry("end just past the data", NORM, t -> offsets(t, size - 126, size + 2), "past the end"));
        tests.add(entry("huge tensor whose offsets match its shape", NORM, t -> {
            shape(t, 1L << 61);
            offsets(t, 0, 1L << 62);
        }, "past the end"));
        tests.add(entry("begin after end", NORM, t -> offsets(t, norm[1], norm[0]), "begin <= end"));
        tests.add(entry("negative begin", NORM, t -> offsets(t, -128, 0), "not a non-negative integer"));
        tests.add(entry("three offsets", NORM, t -> ((ArrayNode) t.get("data_offsets")).add(0), "[begin, end]"));
        tests.add(entry("one offset", NORM, t -> ((ArrayNode) t.get("data_offsets")).remove(1), "[begin, end]"));
        tests.add(entry("no offsets", NORM, t -> t.remove("data_offsets"), "missing data_offsets"));
        tests.add(entry("overlapping the embedding", NORM, t -> offsets(t, 128, 256), "overlap"));
        tests.add(entry("overlapping the next tensor by one element", Q,
                t -> offsets(t, q[0] - 2, q[1] - 2), "overlap"));
        tests.add(entry("misaligned BF16 (odd begin)", Q, t -> offsets(t, q[0] + 1, q[1] + 1), "not a multiple of the 2-byte"));
        tests.add(entry("misaligned F32", NORM, t -> {
            t.put("dtype", "F32");
            shape(t, 32);
            offsets(t, norm[0] + 2, norm[0] + 130);
        }, "not a multiple of the 4-byte"));
        return tests.stream();
    }

    // ---- whole folders: config.json, the index, the weights' values -----------------------------------

    @TestFactory
    Stream<DynamicTest> configJsonThatIsNotUtf8NotJsonOrNotALlama() {
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(config("invalid UTF-8", c -> c.replace("\"llama\"", "\"ll\u00e9ma\""), "config.json",
                bytes -> replaceFirst(bytes, new byte[] {(byte) 0xC3, (byte) 0xA9}, new byte[] {(byte) 0xE9, 'x'}),
                "not UTF-8", ModelFormatException.class));
        tests.add(config("JSON cut short", c -> c.substring(0, c.length() / 2), "not valid JSON"));
        tests.add(config("a JSON array", c -> "[" + c + "]", "is not a JSON object"));
        tests.add(config("hidden_size missing", c -> c.replace("\"hidden_size\"", "\"hidden_sizes\""), "hidden_size"));
        tests.add(config("hidden_size as a string", c -> c.replace("\"hidden_size\": 64", "\"hidden_size\": \"64\""),
                "hidden_size"));
        tests.add(config("hidden_size negative", c -> c.replace("\"hidden_size\": 64", "\"hidden_size\": -64"),
                "hidden_size"));
        tests.add(config("hidden_size 2^40", c -> c.replace("\"hidden_size\": 64", "\"hidden_size\": 1099511627776"),
                "hidden_size"));
        tests.add(config("hidden_size 1e400", c -> c.replace("\"hidden_size\": 64", "\"hidden_size\": 1e400"),
                "hidden_size"));
        // Found layer by layer, without listing two billion of them: the weights file lacks layer 2.
        tests.add(config("two billion layers", c -> c.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 2147483647"),
                "model.safetensors", b -> { }, "missing tensor model.layers.2.", ModelFormatException.class));
        tests.add(config("head_dim 2^30", c -> c.replace("\"num_key_value_heads\": 2,",
                "\"num_key_value_heads\": 2, \"head_dim\": 1073741824,"), "head size 1073741824"));
        tests.add(config("vocabulary smaller than the tokenizer's", c -> c.replace("\"vocab_size\": 128256",
                "\"vocab_size\": 1000"), "1000 tokens"));
        tests.add(config("bos_token_id outside the vocabulary", c -> c.replace("\"bos_token_id\": 128000",
                "\"bos_token_id\": 128256"), "bos_token_id 128256"));
        tests.add(config("eos_token_id outside the vocabulary", c -> c.replace("128009\n", "200000\n"),
                "end-of-generation token id"));
        tests.add(config("intermediate_size that disagrees with the weights", c -> c.replace("\"intermediate_size\": 192",
                "\"intermediate_size\": 193"), "config.json implies"));
        tests.add(config("model_type gpt2", c -> c.replace("\"llama\"", "\"gpt2\"").replace("LlamaForCausalLM", "GPT2LMHeadModel"),
                "config.json", b -> { }, "model_type \"gpt2\"", UnsupportedModelException.class));
        tests.add(config("rope scaling of an unknown type", c -> c.replace("\"rope_type\": \"llama3\"", "\"rope_type\": \"yarn2\""),
                "config.json", b -> { }, "rope scaling type \"yarn2\"", UnsupportedModelException.class));
        tests.add(config("rms_norm_eps negative", c -> c.replace("\"rms_norm_eps\": 1e-05", "\"rms_norm_eps\": -1e-05"),
                "rms_norm_eps"));
        tests.add(config("rope_theta missing", c -> c.replace("\"rope_theta\": 500000.0,", ""), "rope_theta"));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> shardIndexesThatAreBrokenOrLie() {
        List<DynamicTest> tests = new ArrayList<>();
        tests.add(index("index not JSON", i -> i.substring(0, i.length() - 3), "not valid JSON"));
        tests.add(index("index without weight_map", i -> i.replace("\"weight_map\"", "\"weights\""), "missing \"weight_map\""));
        tests.add(index("shard path leaving the folder", i -> i.replace("\"model-00002-of-00002.safetensors\"",
                "\"../model-00002-of-00002.safetensors\""), "not a shard file name"));
        tests.add(index("tensor listed in the wrong shard", i -> i.replaceFirst(
                "(\"model.embed_tokens.weight\" : \")model-00001", "$1model-00002"), "missing from this shard"));
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> nonFiniteWeightsAreFoundByTheOptionalCheck() {
        List<DynamicTest> tests = new ArrayList<>();
        long[] norm = offsets(NORM);
        long[] q = offsets(Q);
        // BF16 bit patterns: NaN 0x7FC0, +Inf 0x7F80, -Inf 0xFF80; element 5 of the norm, 100 of q_proj.
        tests.add(nonFinite("NaN in a norm", norm[0] + 10, (short) 0x7FC0, NORM + " (BF16) holds NaN at element 5"));
        tests.add(nonFinite("+Inf in q_proj", q[0] + 200, (short) 0x7F80, Q + " (BF16) holds Infinity at element 100"));
        tests.add(nonFinite("-Inf in the embedding", 0, (short) 0xFF80, EMBEDDING + " (BF16) holds -Infinity at element 0"));
        return tests.stream();
    }

    // ---- cases ------------------------------------------------------------------------------------------

    /** A header whose text is {@code text}, followed by the fixture's data. */
    private static DynamicTest rawHeader(String name, String text, String expected) {
        return rawHeader(name, text.getBytes(StandardCharsets.UTF_8), b -> { }, expected);
    }

    private static DynamicTest rawHeader(String name, byte[] text, Consumer<byte[]> damage, String expected) {
        return DynamicTest.dynamicTest(name, () -> {
            byte[] bytes = text.clone();
            damage.accept(bytes);
            Path file = writeWithHeader(bytes);
            assertThat(refusedByReader(file).getMessage()).contains(expected);
        });
    }

    /** The fixture with one tensor entry of the header edited. */
    private static DynamicTest entry(String name, String tensor, Consumer<ObjectNode> edit, String expected) {
        return DynamicTest.dynamicTest(name, () -> {
            ObjectNode edited = header.deepCopy();
            edit.accept((ObjectNode) edited.get(tensor));
            Path file = writeWithHeader(JSON.writeValueAsBytes(edited));
            ModelFormatException e = refusedByReader(file);
            assertThat(e.getMessage()).contains(expected);
            if (!expected.contains("overlap")) {
                assertThat(e.getMessage()).contains(tensor);
            }
        });
    }

    private static DynamicTest config(String name, java.util.function.UnaryOperator<String> edit, String expected) {
        return config(name, edit, "config.json", b -> { }, expected, ModelFormatException.class);
    }

    /** The fixture folder with config.json edited as text, then as bytes. */
    private static DynamicTest config(String name, java.util.function.UnaryOperator<String> edit, String file,
                                      Consumer<byte[]> damage, String expected, Class<? extends ModelFormatException> type) {
        return DynamicTest.dynamicTest(name, () -> {
            Path folder = folderCopy("config");
            byte[] bytes = edit.apply(Files.readString(fixture.resolve("config.json"))).getBytes(StandardCharsets.UTF_8);
            damage.accept(bytes);
            Files.write(folder.resolve("config.json"), bytes);
            ModelFormatException e = refusedByLoad(folder);
            assertThat(e).isInstanceOf(type);
            assertThat(e.getMessage()).contains(file).contains(expected);
        });
    }

    /** A two-shard copy of the fixture with its index edited as text. */
    private static DynamicTest index(String name, java.util.function.UnaryOperator<String> edit, String expected) {
        return DynamicTest.dynamicTest(name, () -> {
            Path folder = dir.resolve("sharded");
            if (!Files.exists(folder)) {
                SafetensorsWriter.shardedCopy(fixture, folder, 2);
            }
            Path index = folder.resolve("model.safetensors.index.json");
            String before = Files.readString(index);
            String after = edit.apply(before);
            assertThat(after).as("the edit applies").isNotEqualTo(before);
            Files.writeString(index, after);
            try {
                assertThat(refusedByLoad(folder).getMessage()).contains(expected);
            } finally {
                Files.writeString(index, before);
            }
        });
    }

    /** The fixture with one BF16 value overwritten: loads, and validateWeights names the tensor and element. */
    private static DynamicTest nonFinite(String name, long dataOffset, short bits, String expected) {
        return DynamicTest.dynamicTest(name, () -> {
            Path folder = folderCopy("nonfinite");
            byte[] bytes = original.clone();
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort((int) (8 + headerLength + dataOffset), bits);
            Files.write(folder.resolve("model.safetensors"), bytes);
            try (LlamaModel model = LlamaModel.load(folder, LoadOptions.defaults().withThreads(1))) {
                ModelFormatException e = org.junit.jupiter.api.Assertions.assertThrows(ModelFormatException.class,
                        model::validateWeights);
                assertThat(e.getMessage()).contains("tensor " + expected);
            }
        });
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private static Path folderCopy(String name) throws IOException {
        Path folder = dir.resolve(name);
        if (!Files.exists(folder)) {
            SafetensorsWriter.copyFolderWithoutWeights(fixture, folder);
            Files.write(folder.resolve("model.safetensors"), original);
        }
        Files.copy(fixture.resolve("config.json"), folder.resolve("config.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.write(folder.resolve("model.safetensors"), original);
        return folder;
    }

    private static Path writeWithHeader(byte[] headerBytes) throws IOException {
        Path file = dir.resolve("model.safetensors");
        ByteBuffer out = ByteBuffer.allocate(8 + headerBytes.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(headerBytes.length).put(headerBytes).put(data);
        return Files.write(file, out.array());
    }

    private static void shape(ObjectNode t, long... dims) {
        ArrayNode shape = (ArrayNode) t.get("shape");
        shape.removeAll();
        for (long d : dims) {
            shape.add(d);
        }
    }

    private static void offsets(ObjectNode t, long begin, long end) {
        ((ArrayNode) t.get("data_offsets")).removeAll().add(begin).add(end);
    }

    private static long[] offsets(String tensor) {
        var o = header.get(tensor).get("data_offsets");
        return new long[] {o.get(0).asLong(), o.get(1).asLong()};
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    private static void replaceFirst(byte[] bytes, byte[] what, byte[] with) {
        System.arraycopy(with, 0, bytes, indexOf(bytes, what), with.length);
    }

    /** Opening {@code file} with the safetensors reader must fail with a typed exception naming it. */
    private static ModelFormatException refusedByReader(Path file) {
        Throwable t = assertTimeoutPreemptively(LIMIT, () -> {
            try {
                SafetensorsFile.open(FileRegion.of(file)).close();
                return null;
            } catch (Throwable thrown) {
                return thrown;
            }
        });
        return typed(t, file);
    }

    /** Loading {@code folder} must fail with a typed exception. */
    private static ModelFormatException refusedByLoad(Path folder) {
        Throwable t = assertTimeoutPreemptively(LIMIT, () -> {
            try {
                LlamaModel.load(folder, LoadOptions.defaults().withThreads(1)).close();
                return null;
            } catch (Throwable thrown) {
                return thrown;
            }
        });
        return typed(t, folder);
    }

    private static ModelFormatException typed(Throwable t, Path path) {
        if (t == null) {
            fail(path + " was accepted although it is corrupt");
        }
        if (!(t instanceof ModelFormatException e)) {
            throw new AssertionError("expected a ModelFormatException, got " + t, t);
        }
        assertThat(e.getMessage()).contains(path.getFileName().toString());
        return e;
    }
}
