package io.llama4j;

import java.util.List;

/**
 * The full outcome of one generation.
 *
 * @param promptIds                the prompt as evaluated (with BOS where the model adds one)
 * @param ids                      the generated token ids (an ending end-of-generation token included)
 * @param text                     the generated text, without the ending end-of-generation token
 * @param topLogits                per step, the highest logits before sampling (empty unless requested)
 * @param stopReason               why generation ended
 * @param prefillTokensPerSecond   prompt tokens evaluated per second
 * @param decodeTokensPerSecond    generated tokens evaluated per second (0 when fewer than two were generated)
 * @param reusedPromptTokens       leading prompt tokens whose keys and values the session already held from
 *                                 an earlier generation or chat turn, so they were not evaluated again
 *
 * <pre>{@code
 * Generation g = session.generate("Once upon a time", GenerationOptions.greedy(64), System.out::print);
 * System.err.printf("%d tokens at %.1f tokens/s, stopped by %s%n", g.ids().length, g.decodeTokensPerSecond(), g.stopReason());
 * }</pre>
 */
public record Generation(
        int[] promptIds,
        int[] ids,
        String text,
        List<List<TokenLogit>> topLogits,
        StopReason stopReason,
        double prefillTokensPerSecond,
        double decodeTokensPerSecond,
        int reusedPromptTokens) {

    public Generation {
        promptIds = promptIds.clone();
        ids = ids.clone();
        topLogits = List.copyOf(topLogits);
    }

    @Override
    public int[] promptIds() {
        return promptIds.clone();
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }
}
