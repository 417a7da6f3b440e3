package io.llama4j.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.Session;
import io.llama4j.tokenizer.AssistantReply;
import io.llama4j.tokenizer.ChatFormat;
import io.llama4j.tokenizer.ChatMessage;
import io.llama4j.tokenizer.ToolCall;
import io.llama4j.tokenizer.ToolDefinition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * OpenAI tool calling over real HTTP, on the demo model (examples/demo-model), which was trained to answer
 * "Tell me a fortune about TOPIC." with a call of the {@code get_fortune} tool when that tool is offered, and
 * to repeat the fortune the tool returns. Each answer must also be what the library answers to the same
 * conversation in the Llama 3.1 tool format.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "llama4j.model=${llama4j.demo}",
        "llama4j.threads=2",
        "llama4j.context-length=1024"})
class AnswersToolCallsOverHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** The tool as the demo model's training offered it (examples/demo-model/train.py, FORTUNE_TOOL). */
    static final String TOOL = """
            {"type": "function", "function": {"name": "get_fortune", "description": "Draws a fortune cookie about a topic",
             "parameters": {"type": "object", "properties": {"topic": {"type": "string", "description": "what the fortune is about"}},
                            "required": ["topic"]}}}""";
    private static final String QUESTION = "Tell me a fortune about love.";
    private static final String FORTUNE = "A gift of a flower will soon be made to you.";

    @LocalServerPort
    int port;

    @Autowired
    LlamaModel model;

    private ObjectNode request(boolean stream) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("temperature", 0);
        body.put("max_tokens", 60);
        body.put("stream", stream);
        body.putArray("tools").add(JSON.readTree(TOOL));
        body.putArray("messages").add(JSON.createObjectNode().put("role", "user").put("content", QUESTION));
        return body;
    }

    private HttpRequest post(JsonNode body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
    }

    private JsonNode postJson(JsonNode body, int expectedStatus) throws Exception {
        HttpResponse<String> response = HTTP.send(post(body), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }

    private AssistantReply libraryReply(List<ChatMessage> messages) {
        ChatFormat format = ChatFormat.llama31().withTools(List.of(ToolDefinition.ofJson(TOOL)));
        try (Session session = model.newSession(1024)) {
            return session.chatFormat(format).chat(messages, GenerationOptions.greedy(60), piece -> { }).reply();
        }
    }

    @Test
    void aReplyThatCallsAToolIsToolCallsWithThatFinishReason() throws Exception {
        JsonNode choice = postJson(request(false), 200).get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode message = choice.get("message");
        assertThat(message.get("content").isNull()).isTrue();
        JsonNode call = message.get("tool_calls").get(0);
        assertThat(call.get("id").asText()).startsWith("call_");
        assertThat(call.get("type").asText()).isEqualTo("function");
        assertThat(call.get("function").get("name").asText()).isEqualTo("get_fortune");
        assertThat(JSON.readTree(call.get("function").get("arguments").asText()))
                .isEqualTo(JSON.readTree("{\"topic\": \"love\"}"));
        AssistantReply library = libraryReply(List.of(ChatMessage.user(QUESTION)));
        assertThat(library).isInstanceOf(AssistantReply.ToolCallReply.class);
        ToolCall expected = ((AssistantReply.ToolCallReply) library).call();
        assertThat(call.get("function").get("name").asText()).isEqualTo(expected.name());
        assertThat(JSON.readTree(call.get("function").get("arguments").asText()))
                .isEqualTo(JSON.readTree(expected.argumentsJson()));
    }

    @Test
    void theToolResultSentBackIsAnsweredAsText() throws Exception {
        ObjectNode body = request(false);
        ArrayNode messages = (ArrayNode) body.get("messages");
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        assistant.putNull("content");
        assistant.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function")
                .putObject("function").put("name", "get_fortune").put("arguments", "{\"topic\": \"love\"}");
        messages.addObject().put("role", "tool").put("tool_call_id", "call_1").put("content", FORTUNE);

        JsonNode choice = postJson(body, 200).get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("stop");
        assertThat(choice.get("message").has("tool_calls")).isFalse();
        AssistantReply library = libraryReply(List.of(ChatMessage.user(QUESTION),
                ChatMessage.toolCall(ToolCall.of("get_fortune", Map.of("topic", "love"))),
                ChatMessage.toolResult(FORTUNE)));
        assertThat(library).isInstanceOf(AssistantReply.Text.class);
        assertThat(choice.get("message").get("content").asText())
                .isNotBlank()
                .isEqualTo(((AssistantReply.Text) library).text());
    }

    @Test
    void aStreamedToolCallArrivesAsOneToolCallsDelta() throws Exception {
        HttpResponse<Stream<String>> response = HTTP.send(post(request(true)), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = new ArrayList<>();
        String last = null;
        try (Stream<String> lines = response.body()) {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.startsWith("data:")) {
                    last = line.substring(5).strip();
                    if (!last.equals("[DONE]")) {
                        chunks.add(JSON.readTree(last));
                    }
                }
            }
        }
        assertThat(last).isEqualTo("[DONE]");
        List<JsonNode> calls = chunks.stream().map(c -> c.get("choices").get(0).get("delta"))
                .filter(d -> d.has("tool_calls")).toList();
        assertThat(calls).hasSize(1);
        JsonNode call = calls.getFirst().get("tool_calls").get(0);
        assertThat(call.get("index").asInt()).isZero();
        assertThat(call.get("function").get("name").asText()).isEqualTo("get_fortune");
        assertThat(JSON.readTree(call.get("function").get("arguments").asText()).get("topic").asText()).isEqualTo("love");
        assertThat(chunks.getLast().get("choices").get(0).get("finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void toolChoiceNoneOffersNoTools() throws Exception {
        ObjectNode withTools = request(false);
        ObjectNode none = request(false);
        none.put("tool_choice", "none");
        JsonNode offered = postJson(withTools, 200);
        JsonNode withheld = postJson(none, 200);
        assertThat(withheld.get("choices").get(0).get("finish_reason").asText()).isNotEqualTo("tool_calls");
        assertThat(withheld.get("choices").get(0).get("message").has("tool_calls")).isFalse();
        assertThat(withheld.get("usage").get("prompt_tokens").asInt())
                .isLessThan(offered.get("usage").get("prompt_tokens").asInt());
    }

    /** A second tool the demo model never saw in training. */
    private static final String WEATHER_TOOL = """
            {"type": "function", "function": {"name": "get_weather", "description": "Current weather in a city",
             "parameters": {"type": "object", "properties": {"city": {"type": "string", "maxLength": 40},
                                                             "celsius": {"type": "boolean"}},
                            "required": ["city", "celsius"]}}}""";

    private ObjectNode afterTheToolResult() throws Exception {
        ObjectNode body = request(false);
        ArrayNode messages = (ArrayNode) body.get("messages");
        ObjectNode assistant = messages.addObject().put("role", "assistant");
        assistant.putNull("content");
        assistant.putArray("tool_calls").addObject().put("id", "call_1").put("type", "function")
                .putObject("function").put("name", "get_fortune").put("arguments", "{\"topic\": \"love\"}");
        messages.addObject().put("role", "tool").put("tool_call_id", "call_1").put("content", FORTUNE);
        return body;
    }

    private static JsonNode onlyCall(JsonNode completion) {
        JsonNode choice = completion.get("choices").get(0);
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(choice.get("message").get("content").isNull()).isTrue();
        assertThat(choice.get("message").get("tool_calls")).hasSize(1);
        return choice.get("message").get("tool_calls").get(0).get("function");
    }

    @Test
    void toolChoiceRequiredMakesAReplyThatWouldBeTextACall() throws Exception {
        // After the tool's result the model answers in text by itself...
        assertThat(postJson(afterTheToolResult(), 200).get("choices").get(0).get("finish_reason").asText())
                .isEqualTo("stop");
        ObjectNode required = afterTheToolResult();
        required.put("tool_choice", "required");
        // ...and with "required" the same conversation gets a call, whose arguments follow the tool's schema.
        JsonNode function = onlyCall(postJson(required, 200));
        assertThat(function.get("name").asText()).isEqualTo("get_fortune");
        JsonNode arguments = JSON.readTree(function.get("arguments").asText());
        assertThat(arguments.get("topic").isTextual()).as(arguments.toString()).isTrue();
        assertThat(arguments.size()).isEqualTo(1);
    }

    @Test
    void aNamedFunctionIsTheOneCalledWithArgumentsItsSchemaAllows() throws Exception {
        ObjectNode body = request(false);
        ((ArrayNode) body.get("tools")).add(JSON.readTree(WEATHER_TOOL));
        body.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_weather");
        JsonNode function = onlyCall(postJson(body, 200));
        assertThat(function.get("name").asText()).isEqualTo("get_weather");
        JsonNode arguments = JSON.readTree(function.get("arguments").asText());
        assertThat(arguments.properties()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder("city", "celsius");
        assertThat(arguments.get("city").isTextual()).isTrue();
        assertThat(arguments.get("city").asText().length()).isLessThanOrEqualTo(40);
        assertThat(arguments.get("celsius").isBoolean()).isTrue();
    }

    @Test
    void requiredAmongSeveralToolsCallsOneOfThem() throws Exception {
        ObjectNode body = afterTheToolResult();
        ((ArrayNode) body.get("tools")).add(JSON.readTree(WEATHER_TOOL));
        body.put("tool_choice", "required");
        JsonNode function = onlyCall(postJson(body, 200));
        JsonNode arguments = JSON.readTree(function.get("arguments").asText());
        switch (function.get("name").asText()) {
            case "get_fortune" -> assertThat(arguments.get("topic").isTextual()).isTrue();
            case "get_weather" -> assertThat(arguments.get("celsius").isBoolean()).isTrue();
            default -> throw new AssertionError("called " + function);
        }
    }

    @Test
    void aStreamedRequiredCallArrivesAsOneToolCallsDelta() throws Exception {
        ObjectNode body = afterTheToolResult();
        body.put("stream", true);
        body.put("tool_choice", "required");
        HttpResponse<Stream<String>> response = HTTP.send(post(body), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        List<JsonNode> chunks;
        try (Stream<String> lines = response.body()) {
            chunks = lines.filter(l -> l.startsWith("data:") && !l.contains("[DONE]"))
                    .map(l -> {
                        try {
                            return JSON.readTree(l.substring(5));
                        } catch (Exception e) {
                            throw new AssertionError(l, e);
                        }
                    }).toList();
        }
        List<JsonNode> calls = chunks.stream().map(c -> c.get("choices").get(0).get("delta"))
                .filter(d -> d.has("tool_calls")).toList();
        assertThat(calls).hasSize(1);
        assertThat(calls.getFirst().get("tool_calls").get(0).get("function").get("name").asText()).isEqualTo("get_fortune");
        assertThat(chunks.getLast().get("choices").get(0).get("finish_reason").asText()).isEqualTo("tool_calls");
    }

    @Test
    void aToolChoiceThatCannotBeHonouredIsABadRequest() throws Exception {
        ObjectNode unknownName = request(false);
        unknownName.putObject("tool_choice").put("type", "function").putObject("function").put("name", "get_horoscope");
        assertThat(postJson(unknownName, 400).get("error").get("message").asText()).contains("get_horoscope");

        ObjectNode noTools = request(false);
        noTools.remove("tools");
        noTools.put("tool_choice", "required");
        assertThat(postJson(noTools, 400).get("error").get("message").asText()).contains("tools");

        ObjectNode unknownChoice = request(false);
        unknownChoice.put("tool_choice", "sometimes");
        assertThat(postJson(unknownChoice, 400).get("error").get("message").asText()).contains("sometimes");

        // A schema the constraint cannot enforce is refused rather than answered with a call that may not match it.
        ObjectNode unenforceable = request(false);
        ((ObjectNode) unenforceable.get("tools").get(0).get("function").get("parameters").get("properties").get("topic"))
                .put("pattern", "^[a-z]+$");
        unenforceable.put("tool_choice", "required");
        assertThat(postJson(unenforceable, 400).get("error").get("message").asText())
                .contains("cannot be enforced").contains("pattern");
    }

    @Test
    void aToolThatIsNotAFunctionIsABadRequest() throws Exception {
        ObjectNode body = request(false);
        body.putArray("tools").addObject().put("type", "retrieval");
        JsonNode error = postJson(body, 400).get("error");
        assertThat(error.get("message").asText()).contains("tools[0]");
    }
}
