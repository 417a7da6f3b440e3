package io.llama4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llama4j.LlamaException;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code onnx.provider}: with the CPU-only {@code onnxruntime} jar these tests run on, {@code cuda} fails
 * with a message saying what to install, {@code auto} runs on the CPU after exactly one log line saying why,
 * and {@code cpu} runs without a word. (With {@code onnxruntime_gpu} and a GPU, {@code auto} and {@code cuda}
 * run on CUDA: see llama-onnx/gpu-check.sh.)
 */
class OnnxProviderChoiceIsExplicit {
    private final Logger logger = Logger.getLogger("io.llama4j.onnx");
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        logger.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        logger.removeHandler(capture);
    }

    @Test
    void cudaWithoutTheGpuRuntimeFailsSayingWhatIsMissing() {
        LoadOptions cuda = LoadOptions.defaults().withThreads(1).withExecutorSetting("onnx.provider", "cuda");
        LlamaException e = assertThrows(LlamaException.class, () -> LlamaModel.load(OnnxFixtures.tinyOnnx(), cuda));
        assertTrue(e.getMessage().contains("CUDA") && e.getMessage().contains("onnxruntime_gpu")
                && e.getMessage().contains("cuDNN 9"), e.getMessage());
    }

    @Test
    void autoFallsBackToTheCpuWithOneLogLine() {
        try (LoadedModel onnx = LoadedModel.onnx(OnnxFixtures.tinyOnnx(), Map.of("onnx.provider", "auto"))) {
            assertEquals(Device.CPU, ((OnnxExecutor) onnx.executor()).device());
        }
        assertEquals(1, records.size(), "log lines: " + records.stream().map(LogRecord::getMessage).toList());
        assertTrue(records.get(0).getMessage().contains("CPU"), records.get(0).getMessage());
    }

    @Test
    void cpuRunsOnTheCpuSilently() {
        try (LoadedModel onnx = LoadedModel.onnx(OnnxFixtures.tinyOnnx(), Map.of("onnx.provider", "cpu"))) {
            assertEquals(Device.CPU, ((OnnxExecutor) onnx.executor()).device());
        }
        assertEquals(List.of(), records.stream().map(LogRecord::getMessage).toList());
    }

    @Test
    void anUnknownProviderIsRejected() {
        LlamaException e = assertThrows(LlamaException.class,
                () -> LoadedModel.onnx(OnnxFixtures.tinyOnnx(), Map.of("onnx.provider", "gpu")));
        assertTrue(e.getMessage().contains("auto, cuda or cpu"), e.getMessage());
    }
}
