import io.llama4j.format.gguf.GgufFormat;
import io.llama4j.format.safetensors.HfFolderFormat;
import io.llama4j.kernel.JavaExecutorProvider;
import io.llama4j.location.ArchiveFormat;
import io.llama4j.spi.ExecutorProvider;
import io.llama4j.spi.ModelFormat;

/**
 * Runs Llama 3.x models: the public API ({@code io.llama4j}), the SPI other modules implement
 * ({@code io.llama4j.spi}), and, unexported, the GGUF and safetensors readers and the pure-Java kernel.
 *
 * <pre>{@code
 * module my.app {
 *     requires io.llama4j.core;          // reads io.llama4j.tokenizer too
 * }
 *
 * // java --add-modules jdk.incubator.vector --module-path libs -m my.app/my.app.Main
 * try (LlamaModel model = LlamaModel.load(Path.of("model.gguf")); Session session = model.newSession()) {
 *     session.generate("The capital of France is", GenerationOptions.greedy(16), System.out::print);
 * }
 * }</pre>
 *
 * <p>{@code jdk.incubator.vector} is optional ({@code requires static}): it is resolved only when the JVM is
 * started with {@code --add-modules jdk.incubator.vector}; without it the kernel runs its scalar loops.
 */
module io.llama4j.core {
    // LlamaModel.tokenizer(), Session.chat(...) and ChatReply expose the tokenizer's types.
    requires transitive io.llama4j.tokenizer;
    requires static jdk.incubator.vector;
    requires java.net.http;
    requires org.apache.commons.compress;

    exports io.llama4j;
    exports io.llama4j.spi;
    exports io.llama4j.location;
    exports io.llama4j.sampling;
    exports io.llama4j.structured;
    // The ONNX graph builder reads quantized rows and the llama3 RoPE scaling the way the kernel does.
    exports io.llama4j.kernel to io.llama4j.onnx;
    exports io.llama4j.format to io.llama4j.onnx;

    uses ModelFormat;
    uses ExecutorProvider;
    provides ExecutorProvider with JavaExecutorProvider;
    provides ModelFormat with GgufFormat, HfFolderFormat, ArchiveFormat;
}
