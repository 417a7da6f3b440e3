package io.llama4j.springai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.Session;
import io.llama4j.tokenizer.AssistantReply;
import io.llama4j.tokenizer.ChatFormat;
import io.llama4j.tokenizer.ChatMessage;
import io.llama4j.tokenizer.ToolCall;
import io.llama4j.tokenizer.ToolDefinition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * Tool calling through Spring AI's own {@link ChatClient}, on the demo model (examples/demo-model), which was
 * trained to call {@code get_fortune} when asked "Tell me a fortune about TOPIC." with that tool offered, and
 * to repeat the fortune the tool returns. Spring AI's ToolCallingManager runs the {@code @Tool} method; the
 * final answer must be what the library answers to the same conversation in the Llama 3.1 tool format.
 */
class CallsToolsThroughChatClient {
    private static final String FORTUNE = "A gift of a flower will soon be made to you.";
    private static final LlamaChatOptions GREEDY = LlamaChatOptions.builder().temperature(0.0).maxTokens(60).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Path.of(System.getProperty("llama4j.demo")), LoadOptions.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The tool as the demo model saw it in training; Spring AI derives its JSON schema from the method. */
    static final class FortuneTools {
        final List<String> topics = new ArrayList<>();

        @Tool(name = "get_fortune", description = "Draws a fortune cookie about a topic")
        String getFortune(@ToolParam(description = "what the fortune is about") String topic) {
            topics.add(topic);
            return FORTUNE;
        }
    }

    private static ChatClient client() {
        return ChatClient.create(new LlamaChatModel(model, GREEDY));
    }

    /** The library's greedy reply to the conversation, with the tool offered as Spring AI describes it. */
    private static AssistantReply library(List<ChatMessage> messages) {
        var spec = ToolCallbacks.from(new FortuneTools())[0].getToolDefinition();
        ChatFormat format = ChatFormat.llama31().withTools(
                List.of(ToolDefinition.function(spec.name(), spec.description(), spec.inputSchema())));
        try (Session session = model.newSession()) {
            return session.chatFormat(format).chat(messages, GenerationOptions.greedy(60), piece -> { }).reply();
        }
    }

    /** What the model answers once the tool has returned: Spring AI hands the result back as JSON text. */
    private static String answerAfterTheTool(String topic) {
        AssistantReply reply = library(List.of(ChatMessage.user("Tell me a fortune about " + topic + "."),
                ChatMessage.toolCall(ToolCall.of("get_fortune", Map.of("topic", topic))),
                ChatMessage.toolResult("\"" + FORTUNE + "\"")));
        return assertInstanceOf(AssistantReply.Text.class, reply).text();
    }

    @Test
    void chatClientRunsTheToolTheModelCallsAndAnswersWithItsResult() {
        FortuneTools tools = new FortuneTools();
        String answer = client().prompt().user("Tell me a fortune about love.").tools(tools).call().content();
        assertEquals(List.of("love"), tools.topics);
        assertFalse(answer.isBlank());
        assertEquals(answerAfterTheTool("love"), answer);
    }

    @Test
    void withInternalExecutionOffTheCallComesBackToTheCaller() throws Exception {
        FortuneTools tools = new FortuneTools();
        ChatResponse response = client().prompt().user("Tell me a fortune about money.").tools(tools)
                .options(LlamaChatOptions.builder().internalToolExecutionEnabled(false).build())
                .call().chatResponse();
        assertTrue(tools.topics.isEmpty(), "not run: " + tools.topics);
        AssistantMessage message = response.getResult().getOutput();
        assertEquals("TOOL_CALLS", response.getResult().getMetadata().getFinishReason());
        assertEquals(1, message.getToolCalls().size());
        AssistantMessage.ToolCall call = message.getToolCalls().getFirst();
        assertEquals("get_fortune", call.name());
        assertEquals(JSON.readTree("{\"topic\": \"money\"}"), JSON.readTree(call.arguments()));
        assertTrue(call.id().startsWith("call_"), call.id());
        ToolCall expected = assertInstanceOf(AssistantReply.ToolCallReply.class,
                library(List.of(ChatMessage.user("Tell me a fortune about money.")))).call();
        assertEquals(JSON.readTree(expected.argumentsJson()), JSON.readTree(call.arguments()));
    }

    @Test
    void aStreamedConversationRunsTheToolAndStreamsTheAnswer() {
        FortuneTools tools = new FortuneTools();
        List<String> pieces = client().prompt().user("Tell me a fortune about love.").tools(tools).stream().content()
                .collectList().block(Duration.ofMinutes(2));
        assertEquals(List.of("love"), tools.topics);
        assertEquals(answerAfterTheTool("love"), String.join("", pieces));
    }
}
