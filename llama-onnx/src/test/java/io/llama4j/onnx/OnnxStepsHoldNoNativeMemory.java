package io.llama4j.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llama4j.spi.InferenceState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Thousands of steps through ONNX Runtime leave the process's resident memory where it was after a warm-up:
 * every input tensor, pinned logits buffer and result (with its present tensors) is closed. The pom runs
 * this class in its own JVM with the heap fixed and touched up front ({@code -Xms512m -Xmx512m
 * -XX:+AlwaysPreTouch}), so only native memory can grow. A leak of one logits tensor per step (0.5 MB for a
 * vocabulary of 128256) would add 2 GB here, one step's KV tensors about 70 MB; the bound is 64 MB for
 * allocator, metaspace and code-cache noise.
 */
class OnnxStepsHoldNoNativeMemory {
    private static final int WARM_UP_STATES = 8;
    private static final int STATES = 64;
    private static final int STEPS_PER_STATE = 64;
    private static final long BOUND_BYTES = 64L << 20;

    @Test
    void thousandsOfStepsDoNotGrowNativeMemory() {
        int[] prompt = OnnxFixtures.ints(OnnxFixtures.tinyReference().get("results").get(0).get("prompt_tokens"));
        try (LoadedModel onnx = LoadedModel.onnx(OnnxFixtures.tinyOnnx())) {
            run(onnx, prompt, WARM_UP_STATES);
            long before = nativeBytes();
            run(onnx, prompt, STATES);
            long after = nativeBytes();
            System.out.printf("onnx native memory over %d steps: %+.1f MB (resident set, heap fixed)%n",
                    STATES * STEPS_PER_STATE, (after - before) / 1048576.0);
            assertTrue(after - before < BOUND_BYTES, "native memory grew by " + (after - before) + " bytes");
        }
    }

    private static void run(LoadedModel onnx, int[] prompt, int states) {
        for (int s = 0; s < states; s++) {
            try (InferenceState state = onnx.executor().newState(prompt.length + STEPS_PER_STATE)) {
                float[] logits = state.forward(prompt, 0);
                for (int step = 0; step < STEPS_PER_STATE - 1; step++) {
                    int next = GreedyOnOnnxMatchesLlamaCpp.argmax(logits);
                    logits = state.forward(new int[] {next}, prompt.length + step);
                }
            }
        }
    }

    private static long nativeBytes() {
        System.gc();
        return residentBytes();
    }

    private static long residentBytes() {
        try {
            String line = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .orElseThrow(() -> new AssertionError("no VmRSS in /proc/self/status"));
            return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        } catch (IOException e) {
            throw new AssertionError("this test reads /proc/self/status (Linux)", e);
        }
    }
}
