package io.llama4j.format.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llama4j.Fixtures;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.ModelFormatException;
import io.llama4j.UnsupportedModelException;
import io.llama4j.format.FileRegion;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corrupt safetensors file or HF folder is refused with a {@link ModelFormatException} (or
 * {@link UnsupportedModelException}) whose message names the file and what is wrong in it, never a crash.
 */
class SafetensorsReaderRejectsBadFiles {
    @TempDir
    Path dir;

    private static final String ONE_TENSOR = """
            {"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}""";

    private ModelFormatException openFails(Path file) {
        try {
            SafetensorsFile.open(FileRegion.of(file)).close();
        } catch (ModelFormatException e) {
            return e;
        }
        throw new AssertionError(file + " opened without complaint");
    }

    @Test
    void fileShorterThanTheHeaderLength() throws IOException {
        Path f = dir.resolve("short.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertThat(openFails(f)).hasMessageContaining("short.safetensors").hasMessageContaining("truncated");
    }

    @Test
    void headerLengthPastTheEndOfTheFile() throws IOException {
        Path f = dir.resolve("truncated-header.safetensors");
        byte[] header = ONE_TENSOR.getBytes();
        ByteBuffer b = ByteBuffer.allocate(8 + 10).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
        b.put(header, 0, 10);
        Files.write(f, b.array());
        assertThat(openFails(f)).hasMessageContaining("truncated-header.safetensors")
                .hasMessageContaining("header length " + header.length).hasMessageContaining("past the end");
    }

    @Test
    void absurdHeaderLength() throws IOException {
        Path f = dir.resolve("huge-header.safetensors");
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).array());
        assertThat(openFails(f)).hasMessageContaining("header length 18446744073709551615");
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        Path f = dir.resolve("garbage.safetensors");
        SafetensorsWriter.writeRaw(f, "{\"w\": {\"dtype\": \"F32\",", List.of());
        assertThat(openFails(f)).hasMessageContaining("garbage.safetensors").hasMessageContaining("not valid JSON");
    }

    @Test
    void dataOffsetsPastTheEndOfTheFile() throws IOException {
        Path f = dir.resolve("offsets.safetensors");
        SafetensorsWriter.writeRaw(f, """
                {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
                 "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}""", List.of(new byte[12]));
        assertThat(openFails(f)).hasMessageContaining("offsets.safetensors").hasMessageContaining("tensor b")
                .hasMessageContaining("past the end");
    }

    @Test
    void dataOffsetsThatDisagreeWithShapeAndDtype() throws IOException {
        Path f = dir.resolve("size.safetensors");
        SafetensorsWriter.writeRaw(f, """
                {"w": {"dtype": "BF16", "shape": [2, 2], "data_offsets": [0, 16]}}""", List.of(new byte[16]));
        assertThat(openFails(f)).hasMessageContaining("tensor w").hasMessageContaining("needs 8");
    }

    @Test
    void unknownDtype() throws IOException {
        Path f = dir.resolve("dtype.safetensors");
        SafetensorsWriter.writeRaw(f, ONE_TENSOR.replace("F32", "Q4"), List.of(new byte[16]));
        assertThat(openFails(f)).hasMessageContaining("tensor w").hasMessageContaining("unknown dtype \"Q4\"");
    }

    @Test
    void negativeOrFractionalShape() throws IOException {
        Path f = dir.resolve("shape.safetensors");
        SafetensorsWriter.writeRaw(f, ONE_TENSOR.replace("[2, 2]", "[2, -2]"), List.of(new byte[16]));
        assertThat(openFails(f)).hasMessageContaining("tensor w").hasMessageContaining("shape");
    }

    // Whole folders, loaded as users load them.

    private Path tinyHfCopy() throws IOException {
        Path from = Fixtures.existingFile(Fixtures.models().resolve("tiny-hf"));
        Path to = dir.resolve("tiny-hf");
        SafetensorsWriter.copyFolderWithoutWeights(from, to);
        Files.copy(from.resolve("model.safetensors"), to.resolve("model.safetensors"));
        return to;
    }

    private static ModelFormatException loadFails(Path folder) {
        try (LlamaModel model = LlamaModel.load(folder, LoadOptions.defaults().withThreads(1))) {
            throw new AssertionError(folder + " loaded as " + model.spec());
        } catch (ModelFormatException e) {
            return e;
        }
    }

    private static void rewriteWeights(Path folder, java.util.function.Consumer<Map<String, SafetensorsWriter.Entry>> edit)
            throws IOException {
        Map<String, SafetensorsWriter.Entry> tensors = new LinkedHashMap<>(SafetensorsWriter.read(folder.resolve("model.safetensors")));
        edit.accept(tensors);
        SafetensorsWriter.write(folder.resolve("model.safetensors"), tensors);
    }

    @Test
    void truncatedWeightsFile() throws IOException {
        Path folder = tinyHfCopy();
        Path weights = folder.resolve("model.safetensors");
        try (FileChannel c = FileChannel.open(weights, StandardOpenOption.WRITE)) {
            c.truncate(c.size() - 1000);
        }
        assertThat(loadFails(folder)).hasMessageContaining("model.safetensors").hasMessageContaining("past the end");
    }

    @Test
    void missingTensor() throws IOException {
        Path folder = tinyHfCopy();
        rewriteWeights(folder, t -> t.remove("model.layers.1.mlp.up_proj.weight"));
        assertThat(loadFails(folder)).hasMessageContaining("missing tensor model.layers.1.mlp.up_proj.weight");
    }

    @Test
    void tensorOfADtypeTheKernelCannotRun() throws IOException {
        Path folder = tinyHfCopy();
        rewriteWeights(folder, t -> {
            var e = t.get("model.norm.weight");
            t.put("model.norm.weight", new SafetensorsWriter.Entry("I16", e.shape(), e.data()));
        });
        assertThat(loadFails(folder)).isInstanceOf(UnsupportedModelException.class)
                .hasMessageContaining("model.norm.weight").hasMessageContaining("I16");
    }

    @Test
    void shapeThatDisagreesWithConfigJson() throws IOException {
        Path folder = tinyHfCopy();
        Path config = folder.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"intermediate_size\": 192", "\"intermediate_size\": 128"));
        assertThat(loadFails(folder)).hasMessageContaining("model.safetensors").hasMessageContaining("mlp.")
                .hasMessageContaining("config.json implies");
    }

    @Test
    void missingShard() throws IOException {
        Path folder = SafetensorsWriter.shardedCopy(Fixtures.models().resolve("tiny-hf"), dir.resolve("sharded"), 2);
        Files.delete(folder.resolve("model-00002-of-00002.safetensors"));
        assertThat(loadFails(folder)).hasMessageContaining("model.safetensors.index.json")
                .hasMessageContaining("shard model-00002-of-00002.safetensors").hasMessageContaining("missing");
    }

    @Test
    void configWithoutRopeTheta() throws IOException {
        Path folder = tinyHfCopy();
        Path config = folder.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("\"rope_theta\": 500000.0,", ""));
        assertThat(loadFails(folder)).hasMessageContaining("config.json").hasMessageContaining("rope_theta");
    }
}
