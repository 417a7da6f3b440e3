import io.llama4j.onnx.OnnxExecutorProvider;
import io.llama4j.onnx.OnnxFolderFormat;
import io.llama4j.spi.ExecutorProvider;
import io.llama4j.spi.ModelFormat;

/**
 * The {@code onnx} executor: exported ONNX folders, and GGUF files or HF folders through a graph built in
 * Java, run on ONNX Runtime. Nothing to call directly: {@code LlamaModel.load} finds it through the services
 * it provides.
 *
 * <pre>{@code
 * module my.app {
 *     requires io.llama4j.core;
 *     requires io.llama4j.onnx;          // or put it on the module path and --add-modules io.llama4j.onnx
 * }
 *
 * LlamaModel model = LlamaModel.load(Path.of("model.gguf"), LoadOptions.defaults().withExecutor("onnx"));
 * }</pre>
 */
module io.llama4j.onnx {
    requires transitive io.llama4j.core;   // its providers implement and its API returns core types
    requires com.microsoft.onnxruntime;
    requires com.google.protobuf;
    requires com.fasterxml.jackson.databind;

    exports io.llama4j.onnx;
    exports io.llama4j.onnx.graph;
    // Generated messages: protobuf's runtime reaches their accessors reflectively (toString, field access tables).
    opens io.llama4j.onnx.proto to com.google.protobuf;

    // BuildGraphMain opens models through the formats on the module path.
    uses ModelFormat;
    provides ExecutorProvider with OnnxExecutorProvider;
    provides ModelFormat with OnnxFolderFormat;
}
