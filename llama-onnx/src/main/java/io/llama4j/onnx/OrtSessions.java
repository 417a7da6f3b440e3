package io.llama4j.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.llama4j.LlamaException;
import io.llama4j.ModelFormatException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;

/** Opens an {@link OrtSession} on the chosen device, saying plainly why CUDA is not used when it is not. */
final class OrtSessions {
    private static final System.Logger LOG = System.getLogger("io.llama4j.onnx");

    private OrtSessions() {
    }

    /** The session and the device it ended up on. */
    record Opened(OrtSession session, Device device) {
    }

    static Opened open(OrtEnvironment env, Path graph, int threads, Device device) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            Device used = device == Device.CPU ? Device.CPU : tryCuda(options, device);
            try {
                // A path, not bytes: ORT resolves external data files (model.onnx_data) beside the graph.
                return new Opened(env.createSession(graph.toString(), options), used);
            } catch (OrtException e) {
                throw new ModelFormatException(graph, "ONNX Runtime cannot load the graph: " + e.getMessage(), e);
            }
        } catch (OrtException e) {
            throw new LlamaException("ONNX Runtime session options: " + e.getMessage(), e);
        }
    }

    /**
     * The device a session would end up on, found without opening one: CPU, or CUDA when it loads (AUTO falls
     * back to the CPU with a log line; CUDA fails as {@link #open} would).
     */
    static Device resolve(Device device) {
        if (device == Device.CPU) {
            return Device.CPU;
        }
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            return tryCuda(options, device);
        }
    }

    /**
     * ORT does not fall back by itself: {@code addCUDA} throws when the CPU-only jar is on the class path or
     * the CUDA 12 / cuDNN 9 libraries do not load.
     */
    private static Device tryCuda(OrtSession.SessionOptions options, Device device) {
        try {
            options.addCUDA(0);
            return Device.CUDA;
        } catch (OrtException | UnsatisfiedLinkError e) {
            String why = whyNoCuda(e);
            if (device == Device.CUDA) {
                throw new LlamaException("onnx: the CUDA provider cannot be used (" + why + "). Put "
                        + "com.microsoft.onnxruntime:onnxruntime_gpu on the class path instead of onnxruntime "
                        + "and install CUDA 12 and cuDNN 9, or choose onnx.provider=cpu or auto.", e);
            }
            LOG.log(Level.INFO, "onnx: running on the CPU, CUDA is unavailable (" + why + ")");
            return Device.CPU;
        }
    }

    private static String whyNoCuda(Throwable e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("libcudart") || message.contains("libcublas") || message.contains("libcudnn")) {
            return "a CUDA 12 or cuDNN 9 library is missing: " + message;
        }
        if (message.contains("Failed to find CUDA shared provider")) {
            return "this ONNX Runtime build has no CUDA provider (the CPU-only onnxruntime jar): " + message;
        }
        return message;
    }
}
