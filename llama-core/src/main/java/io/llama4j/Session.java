package io.llama4j;

import io.llama4j.spi.InferenceState;
import io.llama4j.tokenizer.AssistantReply;
import io.llama4j.tokenizer.ChatFormat;
import io.llama4j.tokenizer.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * One sequence of tokens evaluated by a model: owns its KV cache and remembers which tokens it holds, so a
 * later prompt that starts with the same tokens (a system prompt, the conversation so far) only evaluates
 * what is new.
 *
 * <p>Threads: a session is used by one thread at a time; many sessions may share one {@link LlamaModel} on
 * many threads. The exception is {@link #cancel()}, which any thread may call.
 *
 * <p>Reuse: {@link #fork()} copies a session's cache (a system prompt evaluated once, forked per request),
 * {@link #snapshot()} and {@link LlamaModel#restoreSession(byte[])} save and restore it; the cache type and
 * size are set by {@link SessionOptions}.
 *
 * <p>Text arrives three ways: a listener ({@link #generate(String, GenerationOptions, Consumer)}), an
 * iterator or stream ({@link #iterate}, {@link #stream}), or a {@link Flow.Publisher} ({@link #publish}) for
 * reactive frameworks. Pieces never end inside a UTF-8 character and never contain a stop string.
 *
 * <pre>{@code
 * try (Session session = model.newSession()) {
 *     session.generate("Once upon a time", GenerationOptions.greedy(64), piece -> System.out.print(piece));
 *     session.stream("The capital of France is", GenerationOptions.greedy(8)).forEach(System.out::print);
 *     AssistantReply reply = session.chat("Hello! Who are you?");
 * }
 * }</pre>
 */
public final class Session implements AutoCloseable {
    private final LlamaModel model;
    /** Replaced only when a stored prefix is adopted ({@link #adoptStoredPrefix}). */
    private InferenceState state;
    private boolean closed;
    /** Exactly the tokens whose keys and values the cache holds, at positions 0, 1, ... */
    private final TokenBuffer context = new TokenBuffer();
    private final List<ChatMessage> conversation = new ArrayList<>();
    private ChatFormat chatFormat = ChatFormat.llama31();
    private final SessionOptions options;
    private final int contextShiftKeep;
    private volatile Decoding active;

    Session(LlamaModel model, InferenceState state, SessionOptions options) {
        this.model = model;
        this.state = state;
        this.options = options;
        this.contextShiftKeep = options.contextShiftKeep();
    }

    /** Generates a continuation of {@code prompt} and returns its text. */
    public String generate(String prompt, GenerationOptions options) {
        return generate(prompt, options, piece -> { }).text();
    }

    /**
     * Generates a continuation of {@code prompt}, handing each piece of text to {@code listener} as soon as it
     * is complete (a piece never ends inside a UTF-8 character).
     *
     * <p>Prompts at the edges: a Java string cannot hold invalid UTF-8 (decoding bytes replaces them with
     * U+FFFD), and a lone surrogate in it is tokenized as U+FFFD too; an empty prompt is just the
     * begin-of-text token. {@link GenerationOptions#maxTokens()} 0 evaluates nothing and returns an empty
     * generation that stopped with {@link StopReason#MAX_TOKENS}; a negative count is refused when the
     * options are built. A session with a context of 1 holds a one-token prompt, generates one token and
     * stops with {@link StopReason#CONTEXT_FULL}. A prompt longer than the context is refused before anything is
     * evaluated: one that cannot fit even at the vocabulary's longest token per position (megabytes of text)
     * before it is tokenized, any other after tokenization. Weights that are finite but overflow float arithmetic end the generation with a
     * {@link LlamaException} at the first NaN logit.
     *
     * @throws ContextOverflowException if the tokenized prompt is longer than the session's context
     * @throws ModelClosedException     if the model is closed before or during the generation
     * @throws LlamaException           if the model computes NaN logits (damaged weights)
     */
    public Generation generate(String prompt, GenerationOptions options, Consumer<String> listener) {
        return generate(model.tokenizePrompt(prompt, contextLength()), options, listener);
    }

    /**
     * Generates from a prompt given as token ids, used exactly as given (no BOS is added). The leading tokens
     * this session already holds from its last generation are not evaluated again
     * ({@link Generation#reusedPromptTokens()}).
     *
     * @throws ContextOverflowException if the prompt is longer than the session's context
     * @throws IllegalArgumentException  if the prompt is empty or holds an id outside the vocabulary
     * @throws ModelClosedException      if the model is closed before or during the generation
     */
    public Generation generate(int[] promptIds, GenerationOptions options, Consumer<String> listener) {
        return begin(promptIds, options).drain(listener);
    }

    /** The generation as an iterator of text pieces; close it to stop early. */
    public GenerationIterator iterate(String prompt, GenerationOptions options) {
        return iterate(model.tokenizePrompt(prompt, contextLength()), options);
    }

    public GenerationIterator iterate(int[] promptIds, GenerationOptions options) {
        return new GenerationIterator(begin(promptIds, options));
    }

    /** The generation as a stream of text pieces; closing the stream stops the generation. */
    public Stream<String> stream(String prompt, GenerationOptions options) {
        return iterate(prompt, options).stream();
    }

    /**
     * The generation as a publisher of text pieces, evaluated on a new virtual thread as the subscriber
     * requests them (for Reactor, use {@code JdkFlowAdapter.flowPublisherToFlux}). Generation starts at the
     * first request; cancelling the subscription stops it before the next token.
     */
    public Flow.Publisher<String> publish(String prompt, GenerationOptions options) {
        return publish(model.tokenizePrompt(prompt, contextLength()), options, task -> Thread.ofVirtual().name("llama4j-generation").start(task));
    }

    /** As {@link #publish(String, GenerationOptions)}, evaluating on {@code executor}. */
    public Flow.Publisher<String> publish(int[] promptIds, GenerationOptions options, Executor executor) {
        return new GenerationPublisher(this, promptIds, options, executor);
    }

    /**
     * Stops the running generation before it evaluates another token (it ends with
     * {@link StopReason#CANCELLED}); does nothing when none runs. Safe to call from any thread; the session
     * stays usable.
     */
    public void cancel() {
        Decoding running = active;
        if (running != null) {
            running.cancel();
        }
    }

    // ---- chat -------------------------------------------------------------------------------------------

    /** The chat format of {@link #chat}; Llama 3.1's by default. Changing it mid-conversation re-evaluates it. */
    public Session chatFormat(ChatFormat format) {
        this.chatFormat = java.util.Objects.requireNonNull(format);
        return this;
    }

    /** Sends a user message and returns the assistant's reply, sampled with {@link GenerationOptions#defaults()}. */
    public AssistantReply chat(String userMessage) {
        return chat(List.of(ChatMessage.user(userMessage)), GenerationOptions.defaults(), piece -> { }).reply();
    }

    /** Adds messages (system, user, tool results...) to the conversation and returns the assistant's reply. */
    public AssistantReply chat(ChatMessage... messages) {
        return chat(List.of(messages), GenerationOptions.defaults(), piece -> { }).reply();
    }

    /**
     * Adds {@code messages} to the conversation and generates the assistant's turn, streaming its text to
     * {@code listener}. Only the new turn's tokens are evaluated: the conversation is rendered whole with the
     * chat format, and the part the cache already holds is reused. The turn ends at the model's
     * end-of-turn or end-of-message token; the reply is plain text or a typed tool call, and is added to the
     * conversation. (The last token of the previous reply was sampled but never evaluated, so it is evaluated
     * with the new turn.)
     */
    public ChatReply chat(List<ChatMessage> messages, GenerationOptions options, Consumer<String> listener) {
        List<ChatMessage> next = new ArrayList<>(conversation);
        next.addAll(messages);
        int[] prompt = chatFormat.encode(model.tokenizer(), next, true);
        int[] stops = ChatFormat.stopTokens(model.tokenizer());
        int[] allStops = java.util.stream.IntStream.concat(java.util.Arrays.stream(options.stopTokens()),
                java.util.Arrays.stream(stops)).toArray();
        Generation g = generate(prompt, options.toBuilder().stopTokens(allStops).build(), listener);
        AssistantReply reply = ChatFormat.parseReply(g.text());
        conversation.clear();
        conversation.addAll(next);
        conversation.add(switch (reply) {
            case AssistantReply.ToolCallReply call -> ChatMessage.toolCall(call.call());
            case AssistantReply.Text text -> ChatMessage.assistant(text.text());
            // The format has no message for code-interpreter source; as text it still re-renders close to
            // what the model wrote, and any difference is simply evaluated again next turn.
            case AssistantReply.CodeInterpreterCall code -> ChatMessage.assistant(code.code());
        });
        return new ChatReply(reply, g);
    }

    /** The conversation so far, replies included. */
    public List<ChatMessage> conversation() {
        return List.copyOf(conversation);
    }

    /** Forgets the conversation and the cached tokens. */
    public void reset() {
        cancel();
        active = null;
        conversation.clear();
        context.truncate(0);
    }

    // ---- internals --------------------------------------------------------------------------------------

    /** Starts a generation, abandoning (as cancelled) any still running on this session. */
    Decoding begin(int[] promptIds, GenerationOptions options) {
        Decoding decoding = new Decoding(this, promptIds, options);
        Decoding previous = active;
        if (previous != null) {
            previous.cancel();
        }
        active = decoding;
        return decoding;
    }

    boolean isActive(Decoding decoding) {
        return active == decoding;
    }

    void finished(Decoding decoding) {
        if (active == decoding) {
            active = null;
        }
    }

    /** How many first tokens a context shift keeps; -1 when full context ends the generation. */
    int contextShiftKeep() {
        return contextShiftKeep;
    }

    LlamaModel model() {
        return model;
    }

    /** The tokens in the cache, oldest first. */
    TokenBuffer context() {
        return context;
    }

    /** A copy of the tokens whose keys and values the session holds, oldest first. */
    public int[] contextTokens() {
        return context.toArray();
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

    /**
     * Evaluates tokens at {@code position ..} and returns the last one's logits; what the cache held from
     * {@code position} on is forgotten first, so a failure leaves the record consistent.
     */
    float[] evaluate(int[] tokens, int position) {
        return evaluate(tokens, position, null);
    }

    /**
     * As {@link #evaluate(int[], int)}, writing the logits into {@code into} unless it is null: the decode
     * loop passes back its own array, so that a step allocates none.
     */
    float[] evaluate(int[] tokens, int position, float[] into) {
        if (position > context.size()) {
            throw new IllegalArgumentException("position " + position + " leaves a gap after the "
                    + context.size() + " cached tokens");
        }
        model.requireOpen();
        context.truncate(position);
        float[] logits;
        try {
            if (into == null) {
                logits = state.forward(tokens, position);
            } else {
                state.forwardInto(tokens, position, into);
                logits = into;
            }
        } catch (RuntimeException e) {
            // Closing the model unmaps the weights (FFM then throws IllegalStateException in whichever
            // thread reads them) and stops the kernel's workers (rejected or cancelled tasks): all of which
            // mean one thing to the caller.
            if (model.isClosed()) {
                context.truncate(position);
                throw new ModelClosedException("the model was closed while this session was generating", e);
            }
            throw e;
        }
        context.addAll(tokens, 0, tokens.length);
        return logits;
    }

    // ---- fork, snapshot, restore -------------------------------------------------------------------------

    /**
     * A new session holding a copy of this one's cache, tokens and conversation: the way to reuse a computed
     * prefix (a system prompt, few-shot examples, a document) for many requests without evaluating it again,
     * as llama.cpp's sequence copy does. The copy costs {@code contextTokens().length *
     * model.kvBytesPerToken(type)} bytes of heap and no evaluation; the two sessions are independent afterwards
     * (each may run on its own thread). Call it when no generation runs on this session.
     *
     * <pre>{@code
     * Session base = model.newSession();
     * base.generate(systemPromptIds, GenerationOptions.greedy(0), p -> { });   // or evaluate via a chat turn
     * try (Session request = base.fork()) {
     *     request.generate(systemPromptPlusQuestionIds, options, System.out::print);   // only the question is evaluated
     * }
     * }</pre>
     *
     * @throws LlamaException if the executor cannot copy its cache (ONNX)
     */
    public Session fork() {
        model.requireOpen();
        Session copy = new Session(model, state.copy(context.size()), options);
        int[] tokens = context.toArray();
        copy.context.addAll(tokens, 0, tokens.length);
        copy.conversation.addAll(conversation);
        copy.chatFormat = chatFormat;
        return copy;
    }

    /**
     * Evaluates {@code promptIds} into the cache without generating, so that later prompts starting with
     * them (and {@link #fork() forks}) reuse them. Tokens the session already holds are not evaluated again.
     *
     * @return how many of the tokens were evaluated
     * @throws ContextOverflowException if the tokens do not fit the session's context
     */
    public int prefill(int[] promptIds) {
        if (promptIds.length > contextLength()) {
            throw new ContextOverflowException("the prefix has " + promptIds.length
                    + " tokens but the session's context holds " + contextLength());
        }
        int held = context.commonPrefix(promptIds);
        if (held == promptIds.length) {
            context.truncate(held);
            return 0;
        }
        evaluate(java.util.Arrays.copyOfRange(promptIds, held, promptIds.length), held);
        return promptIds.length - held;
    }

    /**
     * The session as bytes: format version, model identity, settings, the tokens and their keys and values
     * (see {@link LlamaModel#restoreSession(byte[])}). About {@code contextTokens().length *
     * model.kvBytesPerToken(type)} bytes. The chat conversation is not included: after a restore,
     * {@link #generate} continues exactly, and {@link #chat} starts a new conversation.
     *
     * @throws LlamaException if the executor cannot save its cache (ONNX)
     */
    public byte[] snapshot() {
        var bytes = new java.io.ByteArrayOutputStream();
        writeSnapshot(bytes);
        return bytes.toByteArray();
    }

    /** Writes {@link #snapshot()} to {@code out} without holding it all in memory. */
    public void writeSnapshot(java.io.OutputStream out) {
        model.requireOpen();
        try {
            SessionSnapshot.write(model, state, options, context.toArray(), out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write the session snapshot", e);
        }
    }

    /**
     * Writes {@link #snapshot()} to a file, which {@link LlamaModel#restoreSession(java.nio.file.Path)} reads.
     * The file is written beside its final name and moved into place, so a failure never leaves a partial
     * snapshot (or destroys an earlier one).
     */
    public void saveSnapshot(java.nio.file.Path file) {
        java.nio.file.Path absolute = file.toAbsolutePath();
        java.nio.file.Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        try {
            try (var out = new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(partial), 1 << 16)) {
                writeSnapshot(out);
            }
            java.nio.file.Files.move(partial, absolute, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file, e);
        } finally {
            try {
                java.nio.file.Files.deleteIfExists(partial);
            } catch (java.io.IOException ignored) {
                // the snapshot itself is in place or the first error is reported; a stray .partial file is harmless
            }
        }
    }

    /** Fills a fresh session's cache from a snapshot. */
    void restoreState(int[] tokens, java.io.DataInput in) throws java.io.IOException {
        context.truncate(0);
        state.readKv(tokens.length, in);
        context.addAll(tokens, 0, tokens.length);
    }

    /** How this session was set up. */
    public SessionOptions options() {
        return options;
    }

    /** The most positions this session holds. */
    public int contextLength() {
        return state.contextLength();
    }

    /**
     * Releases the cache, or hands it to the model's {@link LlamaModel#prefixCache() prefix cache} when that
     * has a capacity. Closing again does nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (!model.isClosed() && context.size() > 0) {
                model.prefixCache().offer(context.toArray(), state);
            }
        } finally {
            state.close();
        }
    }

    /**
     * Before a prompt is evaluated: if the model's prefix cache holds a longer prefix of it than the
     * {@code reused} tokens this session holds, continue from a copy of that instead.
     *
     * @return how many prompt tokens the session now holds
     */
    int adoptStoredPrefix(int[] prompt, int reused) {
        PrefixCache cache = model.prefixCache();
        if (cache.capacity() == 0) {
            return reused;
        }
        PrefixCache.Reuse found = cache.take(prompt, prompt.length - 1, reused, state.kvCacheType(), state.contextLength());
        if (found == null) {
            return reused;
        }
        state.close();
        state = found.state();
        context.truncate(0);
        context.addAll(prompt, 0, found.tokens());
        return found.tokens();
    }
}
