package io.llama4j.onnx.graph;

import io.llama4j.LlamaException;
import io.llama4j.ModelFormatException;
import io.llama4j.location.LoadProgress;
import io.llama4j.spi.ModelSource;
import io.llama4j.spi.ModelSpec;
import io.llama4j.spi.TensorType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Built graphs kept under {@code <cache>/onnx-graphs}, one folder per source model and {@link GraphOptions}.
 * A source is recognised by the path, size and modification time of each of its files (the GGUF file, or
 * every file of an HF folder), so a changed model is built anew and an unchanged one is built once. A build
 * happens in a temporary folder renamed into place when complete: an interrupted build is never reused.
 *
 * <pre>{@code
 * BuiltGraph graph = GraphCache.at(ModelCache.defaultCache().folder())
 *         .obtain(opened.source(), GraphOptions.cpu(), LoadProgress.NONE);
 * }</pre>
 */
public final class GraphCache {
    /** Bumped whenever the builder's output changes, so that older entries are not reused. */
    static final String BUILDER_VERSION = "1";

    private final Path root;

    private GraphCache(Path root) {
        this.root = root;
    }

    /** The graphs under {@code cacheFolder/onnx-graphs}. */
    public static GraphCache at(Path cacheFolder) {
        return new GraphCache(cacheFolder.resolve("onnx-graphs"));
    }

    /** The cache entry for {@code source} built with {@code options}, building it first if it is missing. */
    public BuiltGraph obtain(ModelSource source, GraphOptions options, LoadProgress progress) {
        Path target = root.resolve(entryName(source, options));
        if (Files.isRegularFile(target.resolve(BuiltGraph.GRAPH_FILE))) {
            return new BuiltGraph(target, readRequantizations(target), 0, true);
        }
        Path partial = null;
        try {
            Files.createDirectories(root);
            partial = Files.createTempDirectory(root, ".partial-");
            long start = System.nanoTime();
            List<Requantization> requantized = new LlamaGraphBuilder(source, options, progress)
                    .build(partial, BUILDER_VERSION);
            Files.writeString(partial.resolve(BuiltGraph.GENAI_CONFIG), genaiConfig(source.spec()));
            writeRequantizations(partial, requantized);
            long millis = (System.nanoTime() - start) / 1_000_000;
            publish(partial, target);
            partial = null;
            return new BuiltGraph(target, requantized, millis, false);
        } catch (IOException e) {
            throw new LlamaException("cannot build the ONNX graph of " + source.location() + " in " + root + ": "
                    + e.getMessage(), e);
        } finally {
            if (partial != null) {
                deleteTree(partial);
            }
        }
    }

    private static String entryName(ModelSource source, GraphOptions options) {
        StringBuilder identity = new StringBuilder(BUILDER_VERSION).append('\n').append(options.key()).append('\n');
        Path location = source.location();
        try {
            List<Path> files;
            if (Files.isDirectory(location)) {
                try (Stream<Path> s = Files.list(location)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                }
            } else {
                files = List.of(location);
            }
            for (Path f : files) {
                identity.append(f.toRealPath()).append('\n').append(Files.size(f)).append('\n')
                        .append(Files.getLastModifiedTime(f).toMillis()).append('\n');
            }
        } catch (IOException e) {
            throw new ModelFormatException(location, "cannot read: " + e.getMessage(), e);
        }
        return location.getFileName() + "-" + options.key() + "-" + shortHash(identity.toString());
    }

    /** What onnxruntime-genai and {@code GraphLayout} read: sizes, I/O names, and the shared KV buffer. */
    private static String genaiConfig(ModelSpec spec) {
        return """
                {
                  "model": {
                    "type": "llama",
                    "context_length": %d,
                    "vocab_size": %d,
                    "bos_token_id": %d,
                    "decoder": {
                      "filename": "%s",
                      "head_size": %d,
                      "hidden_size": %d,
                      "num_attention_heads": %d,
                      "num_hidden_layers": %d,
                      "num_key_value_heads": %d,
                      "inputs": {
                        "input_ids": "input_ids",
                        "attention_mask": "attention_mask",
                        "past_key_names": "past_key_values.%%d.key",
                        "past_value_names": "past_key_values.%%d.value"
                      },
                      "outputs": {
                        "logits": "logits",
                        "present_key_names": "present.%%d.key",
                        "present_value_names": "present.%%d.value"
                      }
                    }
                  },
                  "search": {
                    "max_length": %d,
                    "past_present_share_buffer": true
                  }
                }
                """.formatted(spec.contextLength(), spec.vocabularySize(), spec.bosToken(), BuiltGraph.GRAPH_FILE,
                spec.headDim(), spec.dim(), spec.heads(), spec.layers(), spec.kvHeads(), spec.contextLength());
    }

    private static void writeRequantizations(Path folder, List<Requantization> list) throws IOException {
        StringBuilder text = new StringBuilder("tensor\tfrom\tbits\trelative_rms_error\n");
        for (Requantization r : list) {
            text.append(r.tensor()).append('\t').append(r.from()).append('\t').append(r.bits()).append('\t')
                    .append(r.relativeRmsError()).append('\n');
        }
        Files.writeString(folder.resolve(BuiltGraph.REQUANTIZATIONS), text);
    }

    private static List<Requantization> readRequantizations(Path folder) {
        Path file = folder.resolve(BuiltGraph.REQUANTIZATIONS);
        List<Requantization> list = new ArrayList<>();
        try {
            if (!Files.isRegularFile(file)) {
                return list;
            }
            List<String> lines = Files.readAllLines(file);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split("\t");
                list.add(new Requantization(f[0], TensorType.valueOf(f[1]), Integer.parseInt(f[2]), Double.parseDouble(f[3])));
            }
        } catch (IOException | RuntimeException e) {
            throw new ModelFormatException(file, "unreadable build record of a cached ONNX graph: " + e.getMessage(), e);
        }
        return list;
    }

    private static void publish(Path finished, Path target) throws IOException {
        try {
            Files.move(finished, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
            deleteTree(finished); // another process built it first: keep theirs
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(finished, target);
        }
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover .partial- folder is harmless and never reused
        }
    }
}
