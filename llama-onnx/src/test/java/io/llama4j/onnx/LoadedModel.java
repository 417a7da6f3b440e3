package io.llama4j.onnx;

import io.llama4j.format.gguf.GgufFormat;
import io.llama4j.kernel.JavaExecutorProvider;
import io.llama4j.spi.Executor;
import io.llama4j.spi.ExecutorOptions;
import io.llama4j.spi.ExecutorProvider;
import io.llama4j.spi.ModelFormat;
import io.llama4j.spi.OpenedModel;
import java.nio.file.Path;
import java.util.Map;

/** A model opened through the SPI, as {@code LlamaModel.load} does, for tests that drive states directly. */
record LoadedModel(OpenedModel model, Executor executor) implements AutoCloseable {

    static LoadedModel onnx(Path folder, Map<String, String> settings) {
        return open(new OnnxFolderFormat(), new OnnxExecutorProvider(), folder, settings);
    }

    static LoadedModel onnx(Path folder) {
        return onnx(folder, Map.of(Device.SETTING, "cpu"));
    }

    static LoadedModel javaKernel(Path gguf) {
        return open(new GgufFormat(), new JavaExecutorProvider(), gguf, Map.of());
    }

    private static LoadedModel open(ModelFormat format, ExecutorProvider provider, Path path, Map<String, String> settings) {
        OpenedModel model = format.open(path);
        try {
            return new LoadedModel(model, provider.open(model.source(), new ExecutorOptions(2, settings)));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            executor.close();
        } finally {
            model.close();
        }
    }
}
