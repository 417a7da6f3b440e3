package io.llama4j.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.Session;
import io.llama4j.tokenizer.ChatMessage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The service, started on a random port with a fixture model, answers each endpoint over real HTTP with
 * llama.cpp's greedy tokens (or, for chat, with what the library itself answers to the same conversation).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "llama4j.model=${llama4j.fixtures}/tiny-Q8_0.gguf",
        "llama4j.threads=2",
        "llama4j.context-length=512"})
class ServesTheModelOverHttp {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static JsonNode english;

    @LocalServerPort
    int port;

    @Autowired
    LlamaModel model;

    @Autowired
    Sessions sessions;

    @BeforeAll
    static void readLlamaCppsReference() throws IOException {
        String shared = System.getProperty("llama4j.shared");
        if (shared == null) {
            fail("run through Maven: the system property llama4j.shared names ../shared");
        }
        Path reference = Path.of(shared, "data/models/tiny-Q8_0.ref.json");
        if (!Files.exists(reference)) {
            fail("missing " + reference.toAbsolutePath().normalize());
        }
        english = JSON.readTree(reference.toFile()).get("results").get(0);
    }

    private ObjectNode greedyRequest(int maxTokens) {
        ObjectNode body = JSON.createObjectNode();
        body.put("prompt", english.get("text").asText());
        body.put("max_tokens", maxTokens);
        body.put("temperature", 0);
        return body;
    }

    private HttpRequest post(String path, JsonNode body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(2))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
    }

    private JsonNode postJson(String path, JsonNode body, int expectedStatus) throws Exception {
        HttpResponse<String> response = HTTP.send(post(path, body), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(expectedStatus);
        return JSON.readTree(response.body());
    }

    /** One Server-Sent Event: its name (null when unnamed) and its data. */
    private record Event(String name, String data) {
    }

    /** Reads the next event from the lines of an event stream, or null at its end. */
    private static Event nextEvent(Iterator<String> lines) {
        String name = null;
        StringBuilder data = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(name, data.toString());
                }
                continue;
            }
            if (line.startsWith("event: ")) {
                name = line.substring("event: ".length());
            } else if (line.startsWith("data: ")) {
                data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring("data: ".length()));
            } else {
                fail("not a Server-Sent Events line: " + line);
            }
        }
        return null;
    }

    private String chatReplyFromTheLibrary(List<ChatMessage> messages, int maxTokens) {
        try (Session session = model.newSession(512)) {
            return session.chat(messages, GenerationOptions.greedy(maxTokens), piece -> { }).generation().text();
        }
    }

    private static ObjectNode chatRequest(int maxTokens) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", "tiny");
        body.put("temperature", 0);
        body.put("max_tokens", maxTokens);
        body.putArray("messages")
                .add(JSON.createObjectNode().put("role", "system").put("content", "You are terse."))
                .add(JSON.createObjectNode().put("role", "user").put("content", "Name a colour."));
        return body;
    }

    private static final List<ChatMessage> CHAT = List.of(ChatMessage.system("You are terse."), ChatMessage.user("Name a colour."));

    @Test
    void generateReturnsLlamaCppsGreedyTokens() throws Exception {
        JsonNode out = postJson("/generate", greedyRequest(32), 200);
        assertThat(out.get("prompt_ids")).isEqualTo(english.get("prompt_tokens"));
        assertThat(out.get("ids")).isEqualTo(english.get("output_tokens"));
        assertThat(out.get("stop_reason").asText()).isEqualTo("max_tokens");
    }

    @Test
    void generateAcceptsPromptIdsAsGiven() throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.set("prompt_ids", english.get("prompt_tokens"));
        body.put("max_tokens", 8);
        body.put("temperature", 0);
        JsonNode out = postJson("/generate", body, 200);
        for (int i = 0; i < 8; i++) {
            assertThat(out.get("ids").get(i)).as("token " + i).isEqualTo(english.get("output_tokens").get(i));
        }
    }

    @Test
    void concurrentRequestsEachGetTheirOwnSession() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            inFlight.add(HTTP.sendAsync(post("/generate", greedyRequest(16)), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> response : inFlight) {
            JsonNode ids = JSON.readTree(response.get().body()).get("ids");
            for (int i = 0; i < 16; i++) {
                assertThat(ids.get(i)).as("token " + i).isEqualTo(english.get("output_tokens").get(i));
            }
        }
    }

    @Test
    void streamSendsEachPieceThenTheWholeGeneration() throws Exception {
        HttpResponse<Stream<String>> response = HTTP.send(post("/generate/stream", greedyRequest(32)),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        StringBuilder pieces = new StringBuilder();
        int tokenEvents = 0;
        JsonNode done = null;
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            for (Event e = nextEvent(it); e != null; e = nextEvent(it)) {
                if ("token".equals(e.name())) {
                    assertThat(done).as("a token after the done event").isNull();
                    pieces.append(JSON.readTree(e.data()).get("text").asText());
                    tokenEvents++;
                } else {
                    assertThat(e.name()).isEqualTo("done");
                    done = JSON.readTree(e.data());
                }
            }
        }
        assertThat(done).as("the done event").isNotNull();
        assertThat(tokenEvents).isGreaterThan(1);
        assertThat(done.get("ids")).isEqualTo(english.get("output_tokens"));
        assertThat(pieces.toString()).isEqualTo(done.get("text").asText());
    }

    @Test
    void streamDeliversTheFirstPieceWhileTheModelIsStillGenerating() throws Exception {
        // 480 tokens take the tiny model seconds; the first must reach the client long before the last.
        HttpResponse<Stream<String>> response = HTTP.send(post("/generate/stream", greedyRequest(480)),
                HttpResponse.BodyHandlers.ofLines());
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            Event first = nextEvent(it);
            assertThat(first).isNotNull();
            assertThat(first.name()).isEqualTo("token");
            assertThat(sessions.inUse()).as("requests still generating when the first piece arrived").isEqualTo(1);
            Event e = first;
            while (e != null && !"done".equals(e.name())) {
                e = nextEvent(it);
            }
            assertThat(e).as("the done event").isNotNull();
        }
    }

    @Test
    void chatCompletionAnswersInOpenAisShape() throws Exception {
        JsonNode out = postJson("/v1/chat/completions", chatRequest(12), 200);
        assertThat(out.get("object").asText()).isEqualTo("chat.completion");
        assertThat(out.get("id").asText()).startsWith("chatcmpl-");
        assertThat(out.get("model").asText()).isEqualTo("tiny-Q8_0.gguf");
        JsonNode choice = out.get("choices").get(0);
        assertThat(choice.get("message").get("role").asText()).isEqualTo("assistant");
        assertThat(choice.get("message").get("content").asText()).isEqualTo(chatReplyFromTheLibrary(CHAT, 12));
        assertThat(choice.get("finish_reason").asText()).isIn("stop", "length");
        JsonNode usage = out.get("usage");
        assertThat(usage.get("completion_tokens").asInt()).isBetween(1, 12);
        assertThat(usage.get("total_tokens").asInt())
                .isEqualTo(usage.get("prompt_tokens").asInt() + usage.get("completion_tokens").asInt());
    }

    @Test
    void streamedChatCompletionIsDataChunksEndingWithDone() throws Exception {
        ObjectNode body = chatRequest(12);
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        HttpResponse<Stream<String>> response = HTTP.send(post("/v1/chat/completions", body),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data = new ArrayList<>();
        try (Stream<String> lines = response.body()) {
            Iterator<String> it = lines.iterator();
            for (Event e = nextEvent(it); e != null; e = nextEvent(it)) {
                assertThat(e.name()).isNull();
                data.add(e.data());
            }
        }
        assertThat(data.getLast()).isEqualTo("[DONE]");
        JsonNode first = JSON.readTree(data.getFirst());
        assertThat(first.get("object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.get("choices").get(0).get("delta").get("role").asText()).isEqualTo("assistant");
        StringBuilder content = new StringBuilder();
        String finishReason = null;
        JsonNode usage = null;
        for (String chunk : data.subList(0, data.size() - 1)) {
            JsonNode c = JSON.readTree(chunk);
            if (c.get("choices").isEmpty()) {
                usage = c.get("usage");
                continue;
            }
            JsonNode choice = c.get("choices").get(0);
            assertThat(finishReason).as("a chunk after the finishing one").isNull();
            if (choice.get("delta").has("content")) {
                content.append(choice.get("delta").get("content").asText());
            }
            if (!choice.get("finish_reason").isNull()) {
                finishReason = choice.get("finish_reason").asText();
            }
        }
        assertThat(content.toString()).isEqualTo(chatReplyFromTheLibrary(CHAT, 12));
        assertThat(finishReason).isIn("stop", "length");
        assertThat(usage).as("the usage chunk").isNotNull();
        assertThat(usage.get("completion_tokens").asInt()).isBetween(1, 12);
    }

    @Test
    void aBadRequestIsAnOpenAiErrorWithStatus400() throws Exception {
        ObjectNode noMessages = JSON.createObjectNode();
        noMessages.putArray("messages");
        JsonNode error = postJson("/v1/chat/completions", noMessages, 400).get("error");
        assertThat(error.get("message").asText()).contains("messages");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");

        ObjectNode both = greedyRequest(4);
        both.set("prompt_ids", english.get("prompt_tokens"));
        assertThat(postJson("/generate", both, 400).get("error").get("message").asText()).contains("prompt_ids");

        ObjectNode badTemperature = greedyRequest(4);
        badTemperature.put("temperature", -1);
        assertThat(postJson("/generate/stream", badTemperature, 400).get("error").get("message").asText())
                .contains("temperature");
    }

    @Test
    void modelsListsTheServedModel() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/models")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(response.body()).get("data").get(0).get("id").asText()).isEqualTo("tiny-Q8_0.gguf");
    }
}
