package io.llama4j.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llama4j.spi.InferenceState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Teacher-forced along llama.cpp's own tokens, the ONNX executor's log-probabilities of llama.cpp's top-10
 * candidates at every step equal llama.cpp's within {@link #TOLERANCE}. Both sides hold the same F32 weights
 * and differ only in summation order, measured at a median |Δ logprob| of about 1e-5 and a maximum under
 * 1e-4 (the torch export itself is 2.8e-5..3.7e-5 from llama.cpp per the fixture notes); the tolerance
 * leaves 10x headroom above that and is still 100x below the smallest top-1/top-2 margin (0.011).
 */
class LogProbsOnOnnxMatchLlamaCpp {
    static final double TOLERANCE = 1e-3;

    @Test
    void teacherForcedLogProbsEqualLlamaCpp() {
        List<Double> deltas = new ArrayList<>();
        try (LoadedModel onnx = LoadedModel.onnx(OnnxFixtures.tinyOnnx())) {
            for (JsonNode result : OnnxFixtures.tinyReference().get("results")) {
                int[] prompt = OnnxFixtures.ints(result.get("prompt_tokens"));
                int[] forced = OnnxFixtures.ints(result.get("output_tokens"));
                try (InferenceState state = onnx.executor().newState(prompt.length + forced.length)) {
                    float[] logits = state.forward(prompt, 0);
                    for (int step = 0; step < forced.length; step++) {
                        deltas.addAll(compare(logits, result.get("steps").get(step)));
                        logits = state.forward(new int[] {forced[step]}, prompt.length + step);
                    }
                }
            }
        }
        double[] sorted = deltas.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double median = sorted[sorted.length / 2];
        double max = sorted[sorted.length - 1];
        System.out.printf("onnx vs llama.cpp tiny-F32: %d log-probs, median |dlogprob| %.2e, max %.2e%n",
                sorted.length, median, max);
        assertTrue(max < TOLERANCE, "max |dlogprob| " + max + " exceeds " + TOLERANCE);
    }

    /** |Δ logprob| for each of the reference step's top candidates. */
    static List<Double> compare(float[] logits, JsonNode step) {
        double[] logProbs = logSoftmax(logits);
        List<Double> out = new ArrayList<>();
        for (JsonNode top : step.get("top")) {
            out.add(Math.abs(logProbs[top.get("id").asInt()] - top.get("logprob").asDouble()));
        }
        return out;
    }

    static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - log;
        }
        return out;
    }
}
