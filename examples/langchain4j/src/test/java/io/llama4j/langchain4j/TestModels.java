package io.llama4j.langchain4j;

import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import java.nio.file.Path;

/** The models the adapter's tests run on, loaded as each test class needs them (2 threads: CI has 2 cores). */
final class TestModels {
    private TestModels() {
    }

    /** The random-weight fixture {@code tiny-Q8_0.gguf}, materialized by the build into {@code llama4j.fixtures}. */
    static LlamaModel tinyFixture() {
        return load(Path.of(System.getProperty("llama4j.fixtures"), "tiny-Q8_0.gguf"));
    }

    /** The demo model of examples/demo-model, trained to call {@code get_fortune(topic)}. */
    static LlamaModel demo() {
        return load(Path.of(System.getProperty("llama4j.demo")));
    }

    private static LlamaModel load(Path file) {
        return LlamaModel.load(file, LoadOptions.defaults().withThreads(2));
    }
}
