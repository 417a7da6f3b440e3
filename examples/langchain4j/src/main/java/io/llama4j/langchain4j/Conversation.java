package io.llama4j.langchain4j;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.llama4j.Generation;
import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.Session;
import io.llama4j.SessionOptions;
import io.llama4j.StopReason;
import io.llama4j.tokenizer.AssistantReply;
import io.llama4j.tokenizer.ChatFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One session's KV cache shared by the turns of a conversation. Each request's messages are rendered whole in
 * the Llama 3.1 format; when they extend what the cache holds (the previous request's messages and the reply),
 * the session evaluates only the new tokens. A request that starts another conversation simply reuses the
 * common beginning (the system header) and evaluates the rest. Requests are served one at a time.
 */
final class Conversation implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.llama4j.langchain4j");

    private final LlamaModel model;
    private final LlamaChatSettings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private Session session;
    private Generation last;

    Conversation(LlamaModel model, LlamaChatSettings settings) {
        this.model = java.util.Objects.requireNonNull(model, "model");
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
    }

    /** What a request turned into. */
    record Turn(ChatResponse response, AssistantReply reply, boolean toolsOffered) {
    }

    /**
     * Generates the reply to {@code request}, streaming its text to {@code pieces} unless tools are offered
     * (then whether the reply is a call is known only at its end).
     */
    Turn answer(ChatRequest request, Consumer<String> pieces) {
        List<ToolSpecification> specs = request.toolSpecifications();
        boolean tools = specs != null && !specs.isEmpty();
        ChatFormat format = tools ? ChatFormat.llama31().withTools(Lc4jMessages.definitions(specs)) : ChatFormat.llama31();
        int[] prompt = format.encode(model.tokenizer(), Lc4jMessages.toLlama(request.messages()), true);
        GenerationOptions options = settings.options(model, request.temperature(), request.topP(), request.topK(),
                        request.frequencyPenalty(), request.presencePenalty(), request.maxOutputTokens(),
                        request.stopSequences())
                .toBuilder().stopTokens(ChatFormat.stopTokens(model.tokenizer())).build();
        Generation g;
        lock.lock();
        try {
            if (session == null) {
                session = model.newSession(settings.contextLength() > 0
                        ? SessionOptions.defaults().withContextLength(settings.contextLength()) : SessionOptions.defaults());
            }
            g = session.generate(prompt, options, tools ? piece -> { } : pieces);
            last = g;
        } finally {
            lock.unlock();
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "reused " + last.reusedPromptTokens() + " of " + prompt.length
                + " prompt tokens, generated " + last.ids().length);
        AssistantReply reply = ChatFormat.parseReply(g.text());
        AiMessage ai = Lc4jMessages.toAiMessage(reply, g.text(), tools, "call_" + UUID.randomUUID().toString().replace("-", ""));
        FinishReason finish = ai.hasToolExecutionRequests() ? FinishReason.TOOL_EXECUTION : finishReason(g.stopReason());
        ChatResponse response = ChatResponse.builder()
                .aiMessage(ai)
                .tokenUsage(new TokenUsage(prompt.length, g.ids().length))
                .finishReason(finish)
                .build();
        return new Turn(response, reply, tools);
    }

    private static FinishReason finishReason(StopReason reason) {
        return switch (reason) {
            case MAX_TOKENS, CONTEXT_FULL -> FinishReason.LENGTH;
            case END_OF_GENERATION, STOP_TOKEN, STOP_STRING, CANCELLED -> FinishReason.STOP;
        };
    }

    /** The last request's generation (prompt tokens reused from the cache, speeds). */
    Generation lastGeneration() {
        lock.lock();
        try {
            return last;
        } finally {
            lock.unlock();
        }
    }

    /** Stops a reply being generated; the caller gets what was generated so far. */
    void cancel() {
        Session s = session;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (session != null) {
                session.close();
                session = null;
            }
        } finally {
            lock.unlock();
        }
    }
}
