package io.llama4j.examples.cli;

import io.llama4j.LlamaException;
import io.llama4j.location.LoadProgress;
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
 * {@code file:}, {@code jar:}, {@code classpath:}), which is fetched into the model cache first. Without
 * {@code --model}, the demo model packed in the CLI jar ({@link #DEMO}) is used.
 */
final class ModelLocation {
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]+):");
    private static final Set<String> SCHEMES = Set.of("file", "http", "https", "jar", "classpath");

    /**
     * Llama-Fortunes-demo (examples/demo-model): a 0.4M-parameter model trained on Debian's fortune cookies with
     * the Llama 3 tokenizer, so that {@code llama4j generate --prompt ...} works with nothing downloaded.
     */
    static final String DEMO = "classpath:io/llama4j/examples/demo/Llama-Fortunes-demo-Q8_0.gguf";

    private ModelLocation() {
    }

    static Path resolve(String command, String value, PrintStream err) {
        return resolve(command, value, err, new LoadProgressBar(err, false));
    }

    static Path resolve(String command, String value, PrintStream err, LoadProgress progress) {
        if (value == null) {
            err.println("llama4j: no --model given: using the demo model Llama-Fortunes-demo, a tiny model trained on "
                    + "fortune cookies (--model PATH for a real Llama 3.x GGUF or HF folder)");
            value = DEMO;
        }
        Matcher m = SCHEME.matcher(value);
        if (m.find() && SCHEMES.contains(m.group(1).toLowerCase(Locale.ROOT))) {
            ModelCache cache = ModelCache.defaultCache().withProgress(progress);
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
