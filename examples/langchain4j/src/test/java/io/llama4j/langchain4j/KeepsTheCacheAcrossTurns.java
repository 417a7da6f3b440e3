package io.llama4j.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import io.llama4j.LlamaModel;
import io.llama4j.tokenizer.ChatFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Through LangChain4j's own {@link ChatModel} and {@link StreamingChatModel} API, on a fixture model: a
 * conversation's later turns evaluate only their new tokens, and answer exactly what a fresh cache answers.
 */
class KeepsTheCacheAcrossTurns {
    private static final LlamaChatSettings GREEDY = LlamaChatSettings.builder().temperature(0).maxTokens(8)
            .contextLength(512).build();
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = TestModels.tinyFixture();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static String fresh(List<ChatMessage> messages) {
        try (LlamaChatModel chat = new LlamaChatModel(model, GREEDY)) {
            return chat.chat(messages).aiMessage().text();
        }
    }

    private static int promptLength(List<io.llama4j.tokenizer.ChatMessage> messages) {
        return ChatFormat.llama31().encode(model.tokenizer(), messages, true).length;
    }

    @Test
    void aLaterTurnEvaluatesOnlyItsNewTokensAndAnswersAsAFreshCacheWould() {
        try (LlamaChatModel chat = new LlamaChatModel(model, GREEDY)) {
            List<ChatMessage> history = new ArrayList<>(List.of(SystemMessage.from("Be terse."), UserMessage.from("Hello")));
            ChatResponse first = chat.chat(history);
            assertEquals(0, chat.lastGeneration().reusedPromptTokens());
            int firstPrompt = first.tokenUsage().inputTokenCount();
            assertEquals(promptLength(List.of(io.llama4j.tokenizer.ChatMessage.system("Be terse."),
                    io.llama4j.tokenizer.ChatMessage.user("Hello"))), firstPrompt);

            history.add(first.aiMessage());
            history.add(UserMessage.from("How are you?"));
            ChatResponse second = chat.chat(history);
            int reused = chat.lastGeneration().reusedPromptTokens();
            assertTrue(reused >= firstPrompt, "reused " + reused + " of a first prompt of " + firstPrompt);
            assertEquals(fresh(history), second.aiMessage().text());

            List<ChatMessage> other = List.of(UserMessage.from("Something else entirely"));
            ChatResponse unrelated = chat.chat(other);
            assertTrue(chat.lastGeneration().reusedPromptTokens() < firstPrompt,
                    "a new conversation shares at most the system header");
            assertEquals(fresh(other), unrelated.aiMessage().text());
            assertTrue(List.of(FinishReason.STOP, FinishReason.LENGTH).contains(unrelated.finishReason()));
        }
    }

    @Test
    void streamedPiecesMakeTheSameReplyAsTheBlockingModel() throws Exception {
        List<ChatMessage> messages = List.of(UserMessage.from("Name a colour."));
        String blocking = fresh(messages);
        StreamedResponse streamed = new StreamedResponse();
        try (LlamaStreamingChatModel chat = new LlamaStreamingChatModel(model, GREEDY)) {
            StreamingChatModel streaming = chat;
            streaming.chat(ChatRequest.builder().messages(messages).build(), streamed);
            ChatResponse response = streamed.await();
            assertEquals(blocking, streamed.text.toString());
            assertEquals(blocking, response.aiMessage().text());
            assertTrue(response.tokenUsage().outputTokenCount() >= 1);
        }
    }

    @Test
    void requestParametersOverrideTheSettings() {
        try (LlamaChatModel chat = new LlamaChatModel(model, GREEDY)) {
            ChatResponse response = chat.chat(ChatRequest.builder()
                    .messages(UserMessage.from("Hello"))
                    .maxOutputTokens(3)
                    .build());
            assertEquals(3, response.tokenUsage().outputTokenCount());
            assertEquals(FinishReason.LENGTH, response.finishReason());
        }
    }
}
