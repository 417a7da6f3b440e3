package io.llama4j.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;


import com.fasterxml.jackson.databind.JsonNode;
import io.llama4j.spi.InferenceState;
import org.junit.jupiter.api.Test;

/**
 * {@code forward(tokens, position)} overwrites positions from {@code position} on: after a state has run
 * ahead on wrong tokens, going back (to the start, or into the middle: the cache is cut) and feeding
 * llama.cpp's tokens gives llama.cpp's log-probabilities again, and so does a long prompt fed in one call
 * (chunked inside) or token by token.
 */
class OnnxStateRewindsLikeAFreshOne {

    @Test
    void rewindingToAnEarlierPositionForgetsWhatCameAfter() {
        JsonNode result = OnnxFixtures.tinyReference().get("results").get(0);
        int[] prompt = OnnxFixtures.ints(result.get("prompt_tokens"));
        int[] forced = OnnxFixtures.ints(result.get("output_tokens"));
        try (LoadedModel onnx = LoadedModel.onnx(OnnxFixtures.tinyOnnx());
             InferenceState state = onnx.executor().newState(64)) {
            state.forward(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 0);   // longer than the prompt, all wrong
            state.forward(prompt, 0);                                   // back to the start
            state.forward(new int[] {forced[0], 42, 43, 44}, prompt.length); // one right token, three wrong
            float[] logits = state.forward(new int[] {forced[1]}, prompt.length + 1); // cut into the middle
            assertClose(logits, result.get("steps").get(2), "after cutting the cache");
        }
    }

    @Test
    void aLongPromptInOneCallEqualsLlamaCpp() {
        // The chat prompt (48 tokens) plus its first 31 outputs: 79 positions; with a 16-token chunk, 5 chunks.
        JsonNode result = OnnxFixtures.tinyReference().get("results").get(2);
        int[] prompt = OnnxFixtures.ints(result.get("prompt_tokens"));
        int[] forced = OnnxFixtures.ints(result.get("output_tokens"));
        int[] all = new int[prompt.length + forced.length - 1];
        System.arraycopy(prompt, 0, all, 0, prompt.length);
        System.arraycopy(forced, 0, all, prompt.length, forced.length - 1);
        try (LoadedModel onnx = LoadedModel.onnx(OnnxFixtures.tinyOnnx());
             InferenceState state = ((OnnxExecutor) onnx.executor()).newState(all.length, 16)) {
            float[] logits = state.forward(all, 0);
            assertClose(logits, result.get("steps").get(forced.length - 1), "after one long call");
        }
    }

    private static void assertClose(float[] logits, JsonNode step, String what) {
        double max = LogProbsOnOnnxMatchLlamaCpp.compare(logits, step).stream().mapToDouble(d -> d).max().orElseThrow();
        assertTrue(max < LogProbsOnOnnxMatchLlamaCpp.TOLERANCE, what + ": max |dlogprob| " + max);
    }
}
