package io.llama4j.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.llama4j.Generation;
import io.llama4j.LlamaModel;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A LangChain4j {@link StreamingChatModel} over a llama4j model: each piece of the reply goes to
 * {@link StreamingChatResponseHandler#onPartialResponse(String)} as it is generated (never splitting a UTF-8
 * character), on a thread of its own. Like {@link LlamaChatModel} it keeps one session's KV cache across the
 * turns of a conversation. With tools offered, the reply is held until it ends, then delivered as one partial
 * response or as {@link StreamingChatResponseHandler#onCompleteToolCall} calls.
 *
 * <pre>{@code
 * LlamaStreamingChatModel chat = new LlamaStreamingChatModel(llama);
 * chat.chat("Tell me a story", new StreamingChatResponseHandler() {
 *     public void onPartialResponse(String piece) { System.out.print(piece); }
 *     public void onCompleteResponse(ChatResponse response) { System.out.println(); }
 *     public void onError(Throwable error) { error.printStackTrace(); }
 * });
 * }</pre>
 */
public final class LlamaStreamingChatModel implements StreamingChatModel, AutoCloseable {
    private final Conversation conversation;
    private final Executor executor;

    /** With {@link LlamaChatSettings#defaults()}; each reply is generated on a new virtual thread. */
    public LlamaStreamingChatModel(LlamaModel model) {
        this(model, LlamaChatSettings.defaults());
    }

    public LlamaStreamingChatModel(LlamaModel model, LlamaChatSettings settings) {
        this(model, settings, command -> Thread.ofVirtual().name("llama4j-langchain4j").start(command));
    }

    /** @param executor where replies are generated (the handler is called there) */
    public LlamaStreamingChatModel(LlamaModel model, LlamaChatSettings settings, Executor executor) {
        this.conversation = new Conversation(model, settings);
        this.executor = java.util.Objects.requireNonNull(executor, "executor");
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        executor.execute(() -> {
            Conversation.Turn turn;
            try {
                turn = conversation.answer(request, handler::onPartialResponse);
            } catch (RuntimeException | Error e) {
                handler.onError(e);
                return;
            }
            ChatResponse response = turn.response();
            if (turn.toolsOffered()) {
                List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
                if (calls.isEmpty()) {
                    String text = response.aiMessage().text();
                    if (text != null && !text.isEmpty()) {
                        handler.onPartialResponse(text);
                    }
                }
                for (int i = 0; i < calls.size(); i++) {
                    handler.onCompleteToolCall(new CompleteToolCall(i, calls.get(i)));
                }
            }
            handler.onCompleteResponse(response);
        });
    }

    /** The last reply's generation: how many prompt tokens came from the cache, speeds, stop reason. */
    public Generation lastGeneration() {
        return conversation.lastGeneration();
    }

    /** Stops the reply being generated; the handler then completes with what was generated. */
    public void cancel() {
        conversation.cancel();
    }

    @Override
    public void close() {
        conversation.close();
    }
}
