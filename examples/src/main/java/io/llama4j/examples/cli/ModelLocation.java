package io.llama4j.examples.cli;

import io.llama4j.LlamaException;
import io.llama4j.location.ModelCache;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code --model} may name: a GGUF file, an HF folder, an archive, or a URI ({@code http(s):},
 * {@code file:}, {@code jar:}, {@code classpath:}), which is fetched into the model cache first.
 */
final class ModelLocation {
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):");
    private static final Set<String> SCHEMES = Set.of("file", "http", "https", "jar", "classpath");

    private ModelLocation() {
    }

    static Path resolve(String command, String value, PrintStream progress) {
        if (value == null) {
            throw new UsageException(command + ": --model is required");
        }
        Matcher m = SCHEME.matcher(value);
        if (m.find() && SCHEMES.contains(m.group(1).toLowerCase(Locale.ROOT))) {
            long[] lastPercent = {-1};
            ModelCache cache = ModelCache.defaultCache().withProgress((what, done, total) -> {
                long percent = total > 0 ? done * 100 / total : -1;
                if (percent != lastPercent[0] && percent % 10 == 0) {
                    lastPercent[0] = percent;
                    progress.printf("llama4j: %s %d%%%n", what, percent);
                }
            });
            try {
                return cache.fetch(URI.create(value));
            } catch (IllegalArgumentException e) {
                throw new UsageException(command + ": --model: not a valid URI: " + value);
            } catch (LlamaException e) {
                throw new UsageException(command + ": --model: " + e.getMessage());
            }
        }
        Path path = Path.of(value);
        if (!Files.exists(path)) {
            throw new UsageException(command + ": --model: no such file or folder: " + path);
        }
        return path;
    }
}
