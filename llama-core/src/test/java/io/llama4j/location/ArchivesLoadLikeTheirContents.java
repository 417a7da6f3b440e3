package io.llama4j.location;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llama4j.Fixtures;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.ModelFormatException;
import io.llama4j.format.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model folder or GGUF packed in a .tar, .tar.gz/.tgz or .zip loads as the unpacked model does: llama.cpp's
 * greedy tokens. An uncompressed tar is read in place (nothing is unpacked); a compressed archive is unpacked
 * once, with progress, and reused.
 */
class ArchivesLoadLikeTheirContents {
    @TempDir
    static Path shared;
    static Path hfFolder;

    @TempDir
    Path dir;
    Path cache;
    String previousCache;

    @BeforeAll
    static void f32HfFolder() throws IOException {
        // F32 so that greedy tokens must equal llama.cpp's F32 reference exactly.
        hfFolder = SafetensorsWriter.f32Copy(Fixtures.existingFile(Fixtures.models().resolve("tiny-hf")), shared.resolve("tiny-hf"));
    }

    @BeforeEach
    void isolatedCache() {
        cache = dir.resolve("cache");
        previousCache = System.setProperty("llama4j.cache", cache.toString());
    }

    @AfterEach
    void restoreCache() {
        if (previousCache == null) {
            System.clearProperty("llama4j.cache");
        } else {
            System.setProperty("llama4j.cache", previousCache);
        }
    }

    private static LlamaModel load(Path p) {
        return LlamaModel.load(p, LoadOptions.defaults().withThreads(2));
    }

    @Test
    void uncompressedTarOfAnHfFolderIsMappedInPlace() throws IOException {
        Path tar = ModelFiles.tar(hfFolder, "Llama-tiny/", dir.resolve("model.tar"), false);
        try (LlamaModel model = load(tar)) {
            ModelFiles.assertGivesLlamaCppsGreedyTokens(model);
        }
        assertThat(cache).doesNotExist();
    }

    @Test
    void uncompressedTarOfAGgufIsMappedInPlace() throws IOException {
        Path tar = ModelFiles.tar(Fixtures.gguf("tiny-F32"), "", dir.resolve("gguf.tar"), false);
        try (LlamaModel model = load(tar)) {
            ModelFiles.assertGivesLlamaCppsGreedyTokens(model);
        }
        assertThat(cache).doesNotExist();
    }

    @Test
    void tarGzIsUnpackedOnceWithProgressAndReused() throws IOException {
        Path tgz = ModelFiles.tar(hfFolder, "./tiny/", dir.resolve("model.tgz"), true);
        List<long[]> updates = new ArrayList<>();
        ModelCache withProgress = ModelCache.at(cache).withProgress((what, done, total) -> updates.add(new long[] {done, total}));
        Path unpacked = withProgress.unpack(tgz);
        assertThat(updates).isNotEmpty();
        assertThat(updates.getLast()[0]).isEqualTo(updates.getLast()[1]).isEqualTo(Files.size(tgz));
        updates.clear();
        assertThat(withProgress.unpack(tgz)).isEqualTo(unpacked);
        assertThat(updates).as("second use unpacks nothing").isEmpty();
        try (LlamaModel model = load(tgz)) {
            ModelFiles.assertGivesLlamaCppsGreedyTokens(model);
        }
    }

    @Test
    void zipOfAGgufIsUnpackedAndLoads() throws IOException {
        Path zip = ModelFiles.zip(Fixtures.gguf("tiny-F32"), "models/", dir.resolve("gguf.zip"));
        try (LlamaModel model = load(zip)) {
            ModelFiles.assertGivesLlamaCppsGreedyTokens(model);
        }
        assertThat(cache.resolve("unpacked")).isDirectory();
    }

    @Test
    void zipOfAnHfFolderLoads() throws IOException {
        Path zip = ModelFiles.zip(hfFolder, "", dir.resolve("hf.zip"));
        try (LlamaModel model = load(zip)) {
            ModelFiles.assertGivesLlamaCppsGreedyTokens(model);
        }
    }

    @Test
    void truncatedTarGzFailsNamingTheArchive() throws IOException {
        Path tgz = ModelFiles.tar(Fixtures.gguf("tiny-F32"), "", dir.resolve("cut.tar.gz"), true);
        try (FileChannel c = FileChannel.open(tgz, StandardOpenOption.WRITE)) {
            c.truncate(c.size() / 2);
        }
        assertThatThrownBy(() -> load(tgz)).isInstanceOf(ModelFormatException.class).hasMessageContaining("cut.tar.gz");
        assertThat(cache.resolve("unpacked")).isEmptyDirectory();
    }

    @Test
    void archiveWithoutAModelSaysSo() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("notes"));
        Files.writeString(folder.resolve("README.md"), "no model here");
        Path tar = ModelFiles.tar(folder, "", dir.resolve("notes.tar"), false);
        assertThatThrownBy(() -> load(tar)).isInstanceOf(ModelFormatException.class).hasMessageContaining("holds no model");
    }
}
