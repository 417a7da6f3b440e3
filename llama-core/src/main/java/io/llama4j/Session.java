package io.llama4j;

import io.llama4j.spi.InferenceState;
import io.llama4j.tokenizer.StreamingDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One conversation with a model: owns its KV cache. Not thread-safe; use one session per thread (many
 * sessions may share one {@link LlamaModel}).
 *
 * <pre>{@code
 * try (Session session = model.newSession()) {
 *     session.generate("Once upon a time", GenerationOptions.greedy(64), piece -> System.out.print(piece));
 * }
 * }</pre>
 */
public final class Session implements AutoCloseable {
    private final LlamaModel model;
    private final InferenceState state;

    Session(LlamaModel model, InferenceState state) {
        this.model = model;
        this.state = state;
    }

    /** Generates a continuation of {@code prompt} and returns its text. */
    public String generate(String prompt, GenerationOptions options) {
        return generate(prompt, options, piece -> { }).text();
    }

    /**
     * Generates a continuation of {@code prompt}, handing each piece of text to {@code listener} as soon as it
     * is complete (a piece never ends inside a UTF-8 character).
     */
    public Generation generate(String prompt, GenerationOptions options, Consumer<String> listener) {
        return generate(model.tokenizePrompt(prompt), options, listener);
    }

    /** Generates from a prompt given as token ids, used exactly as given (no BOS is added). */
    public Generation generate(int[] promptIds, GenerationOptions options, Consumer<String> listener) {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: give at least one token");
        }
        if (promptIds.length > state.contextLength()) {
            throw new ContextOverflowException("the prompt has " + promptIds.length
                    + " tokens but the session's context holds " + state.contextLength());
        }
        int[] forced = options.forcedTokens();
        int budget = forced != null ? forced.length : options.maxTokens();
        SplittableRandom random = new SplittableRandom(options.seed());
        StreamingDecoder decoder = model.tokenizer().newStreamingDecoder();
        StringBuilder text = new StringBuilder();
        List<List<TokenLogit>> tops = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        TokenBuffer history = new TokenBuffer();
        history.addAll(promptIds, 0, promptIds.length);

        long start = System.nanoTime();
        float[] logits = budget > 0 ? state.forward(promptIds, 0) : null;
        double prefillSeconds = (System.nanoTime() - start) / 1e9;
        long decodeNanos = 0;
        int decodeSteps = 0;
        int position = promptIds.length;
        StopReason reason = StopReason.MAX_TOKENS;
        for (int step = 0; step < budget; step++) {
            if (options.topLogits() > 0) {
                tops.add(topLogits(logits, options.topLogits()));
            }
            int token = forced != null ? forced[step] : options.sampler().sample(logits, history, random);
            ids.add(token);
            history.add(token);
            boolean ends = model.spec().endOfGeneration().contains(token);
            if (ends && forced == null) {
                reason = StopReason.END_OF_GENERATION;
                break;
            }
            String piece = decoder.accept(token);
            if (!piece.isEmpty()) {
                text.append(piece);
                listener.accept(piece);
            }
            if (step + 1 == budget) {
                break;
            }
            if (position >= state.contextLength()) {
                reason = StopReason.CONTEXT_FULL;
                break;
            }
            long t0 = System.nanoTime();
            logits = state.forward(new int[] {token}, position++);
            decodeNanos += System.nanoTime() - t0;
            decodeSteps++;
        }
        String rest = decoder.flush();
        if (!rest.isEmpty()) {
            text.append(rest);
            listener.accept(rest);
        }
        return new Generation(promptIds, ids.stream().mapToInt(Integer::intValue).toArray(), text.toString(), tops,
                reason, logits == null ? 0 : promptIds.length / prefillSeconds,
                decodeSteps == 0 ? 0 : decodeSteps / (decodeNanos / 1e9));
    }

    /** The {@code k} highest logits, highest first, each with its log-softmax over the whole vocabulary. */
    static List<TokenLogit> topLogits(float[] logits, int k) {
        double logSumExp = logSumExp(logits);
        int n = Math.min(k, logits.length);
        int[] best = new int[n];
        int filled = 0;
        for (int id = 0; id < logits.length; id++) {
            float v = logits[id];
            if (filled == n && v <= logits[best[n - 1]]) {
                continue;
            }
            int i = filled < n ? filled++ : n - 1;
            while (i > 0 && logits[best[i - 1]] < v) {
                best[i] = best[i - 1];
                i--;
            }
            best[i] = id;
        }
        List<TokenLogit> out = new ArrayList<>(n);
        for (int id : best) {
            out.add(new TokenLogit(id, logits[id], logits[id] - logSumExp));
        }
        return out;
    }

    /** {@code log(sum(exp(logits)))}, the normalizer of the log-softmax, computed without overflow. */
    static double logSumExp(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        return max + Math.log(sum);
    }

    /** Evaluates tokens at {@code position ..} and returns the last one's logits: the step tests drive. */
    float[] evaluate(int[] tokens, int position) {
        return state.forward(tokens, position);
    }

    /** The most positions this session holds. */
    public int contextLength() {
        return state.contextLength();
    }

    @Override
    public void close() {
        state.close();
    }
}
