package io.llama4j.location;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llama4j.Fixtures;
import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.ArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/** Test helpers: archives built from the fixtures, and the llama.cpp check every loaded copy must pass. */
final class ModelFiles {
    private ModelFiles() {
    }

    /** Every regular file under {@code root}, with its archive name {@code prefix + relative path}. */
    private static List<Path> files(Path root) throws IOException {
        if (Files.isRegularFile(root)) {
            return List.of(root);
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static String entryName(Path root, Path file, String prefix) {
        return prefix + (Files.isRegularFile(root) ? file.getFileName().toString() : root.relativize(file).toString());
    }

    static Path tar(Path root, String prefix, Path archive, boolean gzip) throws IOException {
        try (OutputStream file = Files.newOutputStream(archive);
             OutputStream out = gzip ? new GzipCompressorOutputStream(file) : file;
             TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path f : files(root)) {
                tar.putArchiveEntry(new TarArchiveEntry(f, entryName(root, f, prefix)));
                Files.copy(f, tar);
                tar.closeArchiveEntry();
            }
        }
        return archive;
    }

    static Path zip(Path root, String prefix, Path archive) throws IOException {
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(archive)) {
            for (Path f : files(root)) {
                ArchiveOutputStream<ZipArchiveEntry> out = zip;
                out.putArchiveEntry(new ZipArchiveEntry(f, entryName(root, f, prefix)));
                Files.copy(f, zip);
                out.closeArchiveEntry();
            }
        }
        return archive;
    }

    /**
     * Greedy generation from llama.cpp's first two tiny-F32 prompts gives llama.cpp's tokens (up to the first
     * end-of-generation token, where our session stops and llama.cpp's run continued).
     */
    static void assertGivesLlamaCppsGreedyTokens(LlamaModel model) {
        JsonNode ref = Fixtures.reference("tiny-F32");
        for (int r = 0; r < 2; r++) {
            JsonNode result = ref.get("results").get(r);
            int[] prompt = Fixtures.ints(result.get("prompt_tokens"));
            int[] expected = Fixtures.ints(result.get("output_tokens"));
            try (Session session = model.newSession()) {
                int[] ours = session.generate(prompt, GenerationOptions.greedy(12), p -> { }).ids();
                assertTrue(ours.length > 0, "nothing generated");
                assertArrayEquals(Arrays.copyOf(expected, ours.length), ours, result.get("name").asText());
            }
        }
    }
}
