package io.llama4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs a model teacher-forced on llama.cpp's recorded tokens and measures how its log-probabilities agree. */
final class TeacherForcing {
    private TeacherForcing() {
    }

    record Agreement(double median, double max, int steps) {
        void print(String what) {
            System.out.printf("%-40s steps %3d  |d logprob| median %.2e  max %.2e%n", what, steps, median, max);
        }
    }

    /**
     * Feeds llama.cpp's tokens and compares the log-softmax of its top-10 per step; the argmax must equal
     * llama.cpp's wherever its recorded margin exceeds {@code argmaxMargin}.
     */
    static Agreement against(Path modelFile, JsonNode ref, double argmaxMargin) {
        return against(modelFile, ref, argmaxMargin, SessionOptions.defaults());
    }

    /** As {@link #against(Path, JsonNode, double)}, with sessions set up by {@code options}. */
    static Agreement against(Path modelFile, JsonNode ref, double argmaxMargin, SessionOptions options) {
        List<Double> deltas = new ArrayList<>();
        int steps = 0;
        try (LlamaModel model = LlamaModel.load(modelFile, LoadOptions.defaults().withThreads(2))) {
            for (JsonNode result : ref.get("results")) {
                int[] prompt = Fixtures.ints(result.get("prompt_tokens"));
                int[] output = Fixtures.ints(result.get("output_tokens"));
                try (Session session = model.newSession(options)) {
                    float[] logits = session.evaluate(prompt, 0);
                    for (int step = 0; step < output.length; step++) {
                        JsonNode recorded = result.get("steps").get(step);
                        double logSumExp = Session.logSumExp(logits);
                        for (JsonNode top : recorded.get("top")) {
                            deltas.add(Math.abs(logits[top.get("id").asInt()] - logSumExp - top.get("logprob").asDouble()));
                        }
                        double margin = recorded.get("margin_top1_top2").asDouble();
                        if (margin > argmaxMargin) {
                            assertEquals(recorded.get("token").asInt(), LogitsMatchLlamaCpp.argmax(logits),
                                    result.get("name") + " step " + step + ": argmax differs where llama.cpp's margin is " + margin);
                        }
                        steps++;
                        if (step + 1 < output.length) {
                            logits = session.evaluate(new int[] {output[step]}, prompt.length + step);
                        }
                    }
                }
            }
        }
        double[] d = deltas.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Agreement(d[d.length / 2], d[d.length - 1], steps);
    }
}
