package io.llama4j.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import io.llama4j.LlamaModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tool calling through LangChain4j's AI services, on the demo model (examples/demo-model), which was trained to
 * call {@code get_fortune} when asked "Tell me a fortune about TOPIC." with that tool offered, and to repeat
 * the fortune the tool returns.
 */
class CallsToolsThroughAiServices {
    private static final String FORTUNE = "A gift of a flower will soon be made to you.";
    private static final LlamaChatSettings GREEDY = LlamaChatSettings.builder().temperature(0).maxTokens(60)
            .contextLength(1024).build();
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = TestModels.demo();
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The tool as the demo model saw it in training: LangChain4j derives the same JSON schema from it. */
    static final class FortuneTools {
        final List<String> topics = new ArrayList<>();

        @Tool(name = "get_fortune", value = "Draws a fortune cookie about a topic")
        String getFortune(@P("what the fortune is about") String topic) {
            topics.add(topic);
            return FORTUNE;
        }
    }

    interface Fortunes {
        String chat(String message);
    }

    @Test
    void anAiServiceRunsTheToolTheModelCallsAndAnswersWithItsResult() {
        FortuneTools tools = new FortuneTools();
        try (LlamaChatModel chat = new LlamaChatModel(model, GREEDY)) {
            Fortunes fortunes = AiServices.builder(Fortunes.class).chatModel(chat).tools(tools).build();
            String answer = fortunes.chat("Tell me a fortune about love.");
            assertEquals(List.of("love"), tools.topics);
            assertFalse(answer.isBlank());
            // The second request (question, call, result) extends the first (question, then the call it generated).
            assertTrue(chat.lastGeneration().reusedPromptTokens() > 100,
                    "reused " + chat.lastGeneration().reusedPromptTokens());
        }
    }

    @Test
    void aStreamedToolCallArrivesAsACompleteToolCall() throws Exception {
        ChatRequest request = ChatRequest.builder()
                .messages(UserMessage.from("Tell me a fortune about money."))
                .toolSpecifications(ToolSpecifications.toolSpecificationsFrom(new FortuneTools()))
                .build();
        StreamedResponse streamed = new StreamedResponse();
        try (LlamaStreamingChatModel chat = new LlamaStreamingChatModel(model, GREEDY)) {
            chat.chat(request, streamed);
            ChatResponse response = streamed.await();
            assertEquals(FinishReason.TOOL_EXECUTION, response.finishReason());
            assertEquals(1, streamed.toolCalls.size());
            assertEquals("", streamed.text.toString());
            ToolExecutionRequest call = streamed.toolCalls.getFirst().toolExecutionRequest();
            assertEquals("get_fortune", call.name());
            assertEquals(new ObjectMapper().readTree("{\"topic\": \"money\"}"), new ObjectMapper().readTree(call.arguments()));
            assertEquals(call, response.aiMessage().toolExecutionRequests().getFirst());
        }
    }
}
