package io.llama4j.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.Sampler;
import io.llama4j.Session;
import io.llama4j.tokenizer.ChatMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;

/**
 * Through Spring AI's own {@link ChatClient}, on a fixture model: blocking and streamed answers are what the
 * library answers to the same conversation with the same sampler, and the options reach that sampler.
 */
class AnswersThroughSpringAi {
    private static LlamaModel model;
    private static final List<ChatMessage> CONVERSATION = List.of(ChatMessage.system("Be terse."), ChatMessage.user("Hello"));

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Path.of(System.getProperty("llama4j.fixtures"), "tiny-Q8_0.gguf"),
                LoadOptions.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static String library(GenerationOptions options) {
        try (Session session = model.newSession()) {
            return session.chat(CONVERSATION, options, piece -> { }).generation().text();
        }
    }

    private static ChatClient client(LlamaChatOptions defaults) {
        return ChatClient.create(new LlamaChatModel(model, defaults));
    }

    @Test
    void aGreedyCallAnswersAsTheLibraryDoes() {
        ChatResponse response = client(LlamaChatOptions.builder().temperature(0.0).maxTokens(12).build())
                .prompt().system("Be terse.").user("Hello").call().chatResponse();
        assertEquals(library(GenerationOptions.greedy(12)), response.getResult().getOutput().getText());
        String finish = response.getResult().getMetadata().getFinishReason();
        assertTrue(List.of("STOP", "LENGTH").contains(finish), finish);
        assertTrue(response.getMetadata().getUsage().getCompletionTokens() >= 1);
        assertEquals(response.getMetadata().getUsage().getPromptTokens() + response.getMetadata().getUsage().getCompletionTokens(),
                response.getMetadata().getUsage().getTotalTokens());
    }

    @Test
    void theStreamedPiecesJoinToTheSameAnswer() {
        ChatClient chat = client(LlamaChatOptions.builder().temperature(0.0).maxTokens(12).build());
        List<String> pieces = chat.prompt().system("Be terse.").user("Hello").stream().content()
                .collectList().block(Duration.ofMinutes(2));
        assertTrue(pieces.size() > 1, "streamed in pieces: " + pieces);
        assertEquals(library(GenerationOptions.greedy(12)), String.join("", pieces));
    }

    @Test
    void samplingOptionsAndSeedReachTheSampler() {
        LlamaChatOptions sampled = LlamaChatOptions.builder().temperature(0.9).topK(20).topP(0.8).minP(0.01)
                .repeatPenalty(1.1).seed(7L).maxTokens(10).build();
        String ours = client(LlamaChatOptions.builder().build()).prompt().system("Be terse.").user("Hello")
                .options(sampled).call().content();
        Sampler sampler = Sampler.builder().temperature(0.9f).topK(20).topP(0.8f).minP(0.01f).repeatPenalty(1.1f).build();
        assertEquals(library(GenerationOptions.builder().sampler(sampler).seed(7).maxTokens(10).build()), ours);
    }

    @Test
    void portableOptionsOverrideTheDefaults() {
        ChatResponse response = client(LlamaChatOptions.builder().temperature(0.0).maxTokens(12).build())
                .prompt().user("Hello").options(ChatOptions.builder().maxTokens(3).build()).call().chatResponse();
        assertEquals(3, response.getMetadata().getUsage().getCompletionTokens());
        assertEquals("LENGTH", response.getResult().getMetadata().getFinishReason());
    }
}
