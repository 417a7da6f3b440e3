package io.llama4j;

import io.llama4j.spi.InferenceState;
import io.llama4j.tokenizer.StreamingDecoder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One generation in progress, advanced one text piece at a time by whoever consumes it (a listener loop,
 * an iterator, a publisher). Pull-based so that every streaming style shares the same stepping, stopping
 * and cancellation rules.
 *
 * <p>The session's context buffer always names exactly the tokens whose keys and values are in the cache,
 * so abandoning a decoding at any step leaves the session consistent.
 */
final class Decoding {
    private final Session session;
    private final int[] promptIds;
    private final GenerationOptions options;
    private final int[] forced;
    private final int budget;
    private final SplittableRandom random;
    private final StreamingDecoder decoder;
    private final StopStrings stopStrings;
    /** Masks the logits when the output must follow a JSON schema (teacher forcing ignores it). */
    private final io.llama4j.structured.JsonMatcher json;
    private final ArrayDeque<String> ready = new ArrayDeque<>();
    private final StringBuilder text = new StringBuilder();
    private final List<List<TokenLogit>> tops = new ArrayList<>();
    private final TokenBuffer ids = new TokenBuffer();
    private volatile boolean cancelled;

    private boolean started;
    private Generation result;
    private float[] logits;
    /** The one-token batch of a decode step, reused. */
    private final int[] next = new int[1];
    private int position;
    private int step;
    private int reused;
    private double prefillSeconds;
    private long decodeNanos;
    private int decodeSteps;

    Decoding(Session session, int[] promptIds, GenerationOptions options) {
        if (promptIds.length == 0) {
            throw new IllegalArgumentException("the prompt is empty: give at least one token");
        }
        if (promptIds.length > session.contextLength()) {
            throw new ContextOverflowException("the prompt has " + promptIds.length
                    + " tokens but the session's context holds " + session.contextLength());
        }
        this.session = session;
        this.promptIds = promptIds.clone();
        this.options = options;
        this.forced = options.forcedTokens();
        this.budget = forced != null ? forced.length : options.maxTokens();
        this.random = new SplittableRandom(options.seed());
        this.decoder = session.model().tokenizer().newStreamingDecoder();
        this.stopStrings = new StopStrings(options.stopStrings());
        this.json = options.jsonSchema() == null || forced != null ? null
                : options.jsonSchema().newMatcher(session.model().tokenizer(), session.model().spec().endOfGeneration());
    }

    /** Asks the generation to stop before evaluating another token; callable from any thread. */
    void cancel() {
        cancelled = true;
    }

    /** The next non-empty piece of text, or null once the generation has ended. */
    String next() {
        while (ready.isEmpty() && result == null) {
            advance();
        }
        return ready.poll();
    }

    /** Runs to the end, handing each piece to {@code listener}. */
    Generation drain(java.util.function.Consumer<String> listener) {
        for (String piece; (piece = next()) != null; ) {
            listener.accept(piece);
        }
        return result;
    }

    boolean finished() {
        return result != null;
    }

    /** The outcome, once {@link #next()} has returned null. */
    Generation result() {
        return result;
    }

    /**
     * Finite weights can still overflow float arithmetic (a damaged or mis-scaled file that
     * {@link LlamaModel#validateWeights()} passes); no token can be chosen from NaN, so say so.
     */
    private void requireNoNaN() {
        for (int i = 0; i < logits.length; i++) {
            if (Float.isNaN(logits[i])) {
                throw new LlamaException("model " + session.model().spec().name() + " computed NaN for the logit of token "
                        + i + " at generated token " + step + ": its weights overflow float arithmetic (a damaged or"
                        + " mis-scaled file)");
            }
        }
    }

    private void advance() {
        if (cancelled || (started && !session.isActive(this))) {
            finish(StopReason.CANCELLED);
            return;
        }
        if (!started) {
            started = true;
            if (budget == 0) {
                finish(StopReason.MAX_TOKENS);
                return;
            }
            prefill();
            return;
        }
        if (options.topLogits() > 0) {
            tops.add(Session.topLogits(logits, options.topLogits()));
        }
        if (forced == null) {
            requireNoNaN();
        }
        if (json != null) {
            json.mask(logits, budget - step - 1);
        }
        int token = forced != null ? forced[step] : options.sampler().sample(logits, session.context(), random);
        step++;
        ids.add(token);
        if (json != null && !session.model().spec().endOfGeneration().contains(token)) {
            json.accept(token);
        }
        if (forced == null && session.model().spec().endOfGeneration().contains(token)) {
            finish(StopReason.END_OF_GENERATION);
            return;
        }
        if (forced == null && options.isStopToken(token)) {
            finish(StopReason.STOP_TOKEN);
            return;
        }
        emit(stopStrings.accept(decoder.accept(token)));
        if (stopStrings.matched()) {
            finish(StopReason.STOP_STRING);
            return;
        }
        if (json != null && json.closed()) {
            finish(StopReason.END_OF_GENERATION);
            return;
        }
        if (step == budget) {
            finish(StopReason.MAX_TOKENS);
            return;
        }
        if (cancelled) {
            finish(StopReason.CANCELLED);
            return;
        }
        if (position >= session.contextLength()) {
            if (session.contextShiftKeep() < 0 || session.contextLength() < 2) {
                finish(StopReason.CONTEXT_FULL);
                return;
            }
            shift(token);
            return;
        }
        long t0 = System.nanoTime();
        // The previous step's logits are this generation's own array (sampled, masked, then done with):
        // the step writes into it.
        next[0] = token;
        logits = session.evaluate(next, position, logits);
        decodeNanos += System.nanoTime() - t0;
        decodeSteps++;
        position++;
    }

    /**
     * Evaluates the prompt, skipping the leading tokens whose keys and values the session already holds. At
     * least the last prompt token is evaluated, since its logits are needed.
     */
    private void prefill() {
        TokenBuffer context = session.context();
        reused = session.adoptStoredPrefix(promptIds, Math.min(context.commonPrefix(promptIds), promptIds.length - 1));
        int[] rest = java.util.Arrays.copyOfRange(promptIds, reused, promptIds.length);
        long start = System.nanoTime();
        logits = session.evaluate(rest, reused);
        prefillSeconds = (System.nanoTime() - start) / 1e9;
        position = promptIds.length;
    }

    /**
     * Makes room by dropping the older half of the tokens after the kept ones, then evaluates what follows
     * the kept tokens again at its new positions, with {@code token} (sampled, not yet evaluated) at the end.
     */
    private void shift(int token) {
        int[] all = session.context().toArray();
        int keep = Math.min(session.contextShiftKeep(), all.length - 1);
        int discard = Math.max(1, (all.length - keep) / 2);
        int[] moved = new int[all.length - keep - discard + 1];
        System.arraycopy(all, keep + discard, moved, 0, moved.length - 1);
        moved[moved.length - 1] = token;
        long t0 = System.nanoTime();
        logits = session.evaluate(moved, keep);
        decodeNanos += System.nanoTime() - t0;
        decodeSteps++;
        position = keep + moved.length;
    }

    private void emit(String piece) {
        if (!piece.isEmpty()) {
            text.append(piece);
            ready.add(piece);
        }
    }

    private void finish(StopReason reason) {
        if (!stopStrings.matched()) {
            emit(stopStrings.accept(decoder.flush()));
            emit(stopStrings.flush());
        }
        int evaluated = promptIds.length - reused;
        result = new Generation(promptIds, ids.toArray(), text.toString(), tops, reason,
                logits == null || prefillSeconds == 0 ? 0 : evaluated / prefillSeconds,
                decodeSteps == 0 ? 0 : decodeSteps / (decodeNanos / 1e9), reused);
        session.finished(this);
    }
}
