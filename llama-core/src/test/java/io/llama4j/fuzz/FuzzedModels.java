package io.llama4j.fuzz;

import io.llama4j.GenerationOptions;
import io.llama4j.LlamaException;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the model fuzz targets do with each input: load it as users do, and use what loads. */
public final class FuzzedModels {
    private FuzzedModels() {
    }

    /**
     * Loads {@code location}; if it loads, checks its weights and generates two tokens in a small context.
     * A {@link LlamaException} anywhere is a clean refusal; anything else escapes and is a finding.
     */
    public static void loadAndGenerateOrRefuse(Path location) {
        try (LlamaModel model = LlamaModel.load(location, LoadOptions.defaults().withThreads(1))) {
            model.validateWeights();
            try (Session session = model.newSession(Math.min(8, model.spec().contextLength()))) {
                session.generate("Hi", GenerationOptions.greedy(2), piece -> { });
            }
        } catch (LlamaException refused) {
            // the defined outcome for a bad file
        }
    }

    public static Path temporaryFile(String prefix, String suffix) {
        try {
            Path file = Files.createTempFile(prefix, suffix);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(Path file, byte[] content) {
        try {
            Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
