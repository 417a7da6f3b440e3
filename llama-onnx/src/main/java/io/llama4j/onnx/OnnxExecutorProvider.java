package io.llama4j.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.llama4j.LlamaException;
import io.llama4j.location.LoadProgress;
import io.llama4j.location.ModelCache;
import io.llama4j.onnx.graph.BuiltGraph;
import io.llama4j.onnx.graph.GraphCache;
import io.llama4j.onnx.graph.GraphOptions;
import io.llama4j.onnx.graph.Precision;
import io.llama4j.spi.Executor;
import io.llama4j.spi.ExecutorOptions;
import io.llama4j.spi.ExecutorProvider;
import io.llama4j.spi.ModelSource;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Provider {@code onnx}: runs ONNX model folders ({@link OnnxFolderFormat}) with ONNX Runtime.
 *
 * <p>Setting {@code onnx.provider} ({@code LoadOptions.withExecutorSetting}, or the system property
 * {@code llama4j.onnx.provider}): {@code auto} (default) uses CUDA when the {@code onnxruntime_gpu} jar and
 * CUDA 12 + cuDNN 9 are present, else the CPU with one log line saying why; {@code cuda} fails with a
 * {@link io.llama4j.LlamaException} when CUDA cannot load; {@code cpu} never tries it.
 *
 * <p>Named explicitly ({@code --executor onnx}, {@code LoadOptions.withExecutor("onnx")}), it also runs GGUF
 * files and HF folders: it builds their Llama graph ({@link GraphCache}, under the model cache folder) once,
 * logging progress, and reuses it afterwards. Settings for that: {@code onnx.precision} {@code fp32|fp16}
 * (default fp32 on the CPU, fp16 on CUDA), {@code onnx.logits} {@code last|all} (default last: one row of
 * logits per run), {@code onnx.kquant-bits} {@code 4|8} (what K-quants are requantized to, default 4),
 * {@code onnx.accuracy} 0..4 ({@code MatMulNBits} accuracy_level, default 4), {@code onnx.cache}
 * (the cache folder; default {@code ModelCache.defaultCache()}). The precision, kquant-bits and accuracy
 * settings may also come from system properties {@code llama4j.onnx.precision} etc. (for the CLI and the
 * comparison scripts); a setting given to the load wins.
 *
 * <pre>{@code
 * LlamaModel model = LlamaModel.load(Path.of("Llama-3.2-1B-Instruct-Q4_0.gguf"),
 *         LoadOptions.defaults().withExecutor("onnx").withExecutorSetting("onnx.provider", "cpu"));
 * }</pre>
 */
public final class OnnxExecutorProvider implements ExecutorProvider {
    private static final System.Logger LOG = System.getLogger("io.llama4j.onnx");

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
        return OnnxFolderFormat.NAME.equals(model.format()) || model.weights() != null;
    }

    /** Only ONNX folders: building a graph from weights is for callers who ask for this executor. */
    @Override
    public boolean runsByDefault(ModelSource model) {
        return OnnxFolderFormat.NAME.equals(model.format());
    }

    @Override
    public Executor open(ModelSource model, ExecutorOptions options) {
        Device device = Device.parse(options.setting(Device.SETTING)
                .orElse(System.getProperty(Device.PROPERTY, "auto")));
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OnnxFolder folder;
        if (OnnxFolderFormat.NAME.equals(model.format())) {
            folder = OnnxFolder.read(model.location());
        } else {
            device = OrtSessions.resolve(device);
            folder = OnnxFolder.read(build(model, options, device).folder());
        }
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

    private static BuiltGraph build(ModelSource model, ExecutorOptions options, Device device) {
        Precision precision = switch (graphSetting(options, "onnx.precision").orElse(device == Device.CUDA ? "fp16" : "fp32")
                .toLowerCase(Locale.ROOT)) {
            case "fp32" -> Precision.FP32;
            case "fp16" -> Precision.FP16;
            default -> throw new LlamaException("onnx.precision must be fp32 or fp16");
        };
        boolean allLogits = switch (options.setting("onnx.logits").orElse("last")) {
            case "last" -> false;
            case "all" -> true;
            default -> throw new LlamaException("onnx.logits must be last or all");
        };
        int accuracy;
        try {
            accuracy = Integer.parseInt(graphSetting(options, "onnx.accuracy").orElse("4"));
        } catch (NumberFormatException e) {
            throw new LlamaException("onnx.accuracy must be a number 0..4", e);
        }
        if (accuracy < 0 || accuracy > 4) {
            throw new LlamaException("onnx.accuracy must be 0..4, got " + accuracy);
        }
        int kQuantBits = switch (graphSetting(options, "onnx.kquant-bits").orElse("4")) {
            case "4" -> 4;
            case "8" -> 8;
            default -> throw new LlamaException("onnx.kquant-bits must be 4 or 8");
        };
        GraphOptions graphOptions = new GraphOptions(precision, allLogits, accuracy, kQuantBits);
        Path cache = options.setting("onnx.cache").map(Path::of)
                .orElseGet(() -> ModelCache.defaultCache().folder());
        BuiltGraph built = GraphCache.at(cache).obtain(model, graphOptions, new LoggedProgress());
        if (built.reused()) {
            LOG.log(Level.INFO, "onnx: reusing the graph built earlier in " + built.folder());
        } else {
            LOG.log(Level.INFO, "onnx: built the graph in " + built.buildMillis() + " ms into " + built.folder()
                    + (built.requantizations().isEmpty() ? "" : "; " + built.requantizations().size()
                    + " weights requantized, worst relative rms error "
                    + String.format(Locale.ROOT, "%.4f", built.worstRequantizationError())));
        }
        return built;
    }

    /** Logs the build at every tenth of the weights written. */
    private static final class LoggedProgress implements LoadProgress {
        private long lastTenth = -1;

        @Override
        public void update(String what, long done, long total) {
            long tenth = total > 0 ? done * 10 / total : 0;
            if (tenth != lastTenth) {
                lastTenth = tenth;
                LOG.log(Level.INFO, "onnx: building " + what + ": " + tenth * 10 + "%");
            }
        }
    }

    /** A graph-building setting from the load's options, else from the system property {@code llama4j.KEY}. */
    private static java.util.Optional<String> graphSetting(ExecutorOptions options, String key) {
        return options.setting(key).or(() -> java.util.Optional.ofNullable(System.getProperty("llama4j." + key)));
    }
}
