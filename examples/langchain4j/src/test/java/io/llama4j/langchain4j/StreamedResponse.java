package io.llama4j.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Records what a streaming chat model hands its handler: the partial texts, the complete tool calls, the end. */
final class StreamedResponse implements StreamingChatResponseHandler {
    final StringBuilder text = new StringBuilder();
    final List<CompleteToolCall> toolCalls = new ArrayList<>();
    private final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    @Override
    public void onPartialResponse(String piece) {
        text.append(piece);
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall call) {
        toolCalls.add(call);
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
        done.complete(response);
    }

    @Override
    public void onError(Throwable error) {
        done.completeExceptionally(error);
    }

    /** The final response, once the model has finished (or its error). */
    ChatResponse await() throws Exception {
        return done.get(2, TimeUnit.MINUTES);
    }
}
