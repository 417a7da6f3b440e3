package io.llama4j.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.llama4j.spi.Executor;
import io.llama4j.spi.ExecutorOptions;
import io.llama4j.spi.ExecutorProvider;
import io.llama4j.spi.ModelSource;

/**
 * Provider {@code onnx}: runs ONNX model folders ({@link OnnxFolderFormat}) with ONNX Runtime.
 *
 * <p>Setting {@code onnx.provider} ({@code LoadOptions.withExecutorSetting}, or the system property
 * {@code llama4j.onnx.provider}): {@code auto} (default) uses CUDA when the {@code onnxruntime_gpu} jar and
 * CUDA 12 + cuDNN 9 are present, else the CPU with one log line saying why; {@code cuda} fails with a
 * {@link io.llama4j.LlamaException} when CUDA cannot load; {@code cpu} never tries it.
 */
public final class OnnxExecutorProvider implements ExecutorProvider {
    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public boolean supports(ModelSource model) {
        return OnnxFolderFormat.NAME.equals(model.format());
    }

    @Override
    public Executor open(ModelSource model, ExecutorOptions options) {
        Device device = Device.parse(options.setting(Device.SETTING)
                .orElse(System.getProperty(Device.PROPERTY, "auto")));
        OnnxFolder folder = OnnxFolder.read(model.location());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSessions.Opened opened = OrtSessions.open(env, folder.graph(), options.threads(), device);
        OrtSession session = opened.session();
        try {
            return new OnnxExecutor(env, session, GraphLayout.of(session, folder, model.spec()), model.spec(), opened.device());
        } catch (RuntimeException e) {
            try {
                session.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }
}
