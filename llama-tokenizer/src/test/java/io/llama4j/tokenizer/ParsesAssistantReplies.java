package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Model output in every form Llama 3.1 uses (Meta's prompt-format doc, the HF template) becomes typed results. */
class ParsesAssistantReplies {

    @Test
    void plainTextEndedByEot() {
        assertEquals(new AssistantReply.Text("The capital of France is Paris."),
                ChatFormat.parseReply("The capital of France is Paris.<|eot_id|>"));
        assertEquals(new AssistantReply.Text("  keeps inner text as generated \n"),
                ChatFormat.parseReply("  keeps inner text as generated \n"));
    }

    @Test
    void customToolCallAsTheHfTemplateWritesIt() {
        AssistantReply reply = ChatFormat.parseReply(
                "{\"name\": \"get_current_weather\", \"parameters\": {\"location\": \"Paris\", \"days\": 3}}<|eot_id|>");
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("location", "Paris");
        arguments.put("days", 3L);
        assertEquals(new AssistantReply.ToolCallReply(new ToolCall("get_current_weather", arguments), false), reply);
    }

    @Test
    void customToolCallWithPythonTagAndEom() {
        AssistantReply reply = ChatFormat.parseReply(
                "<|python_tag|>{\"name\": \"multiply\", \"parameters\": {\"a\": 2.5, \"b\": -1}}<|eom_id|>");
        assertEquals(new AssistantReply.ToolCallReply(ToolCall.ofJson("multiply", "{\"a\": 2.5, \"b\": -1}"), false), reply);
    }

    @Test
    void argumentsKeyIsAcceptedToo() {
        AssistantReply reply = ChatFormat.parseReply("{\"name\": \"f\", \"arguments\": {}}");
        assertEquals(new AssistantReply.ToolCallReply(ToolCall.of("f", Map.of()), false), reply);
    }

    @Test
    void metasFunctionTagFormat() {
        AssistantReply reply = ChatFormat.parseReply(
                "<function=spotify_trending_songs>{\"n\": \"5\"}</function><|eot_id|>");
        assertEquals(new AssistantReply.ToolCallReply(ToolCall.of("spotify_trending_songs", Map.of("n", "5")), false), reply);
    }

    @Test
    void builtinToolCall() {
        AssistantReply reply = ChatFormat.parseReply(
                "<|python_tag|>brave_search.call(query=\"current weather in Menlo Park, California\")<|eom_id|>");
        assertEquals(new AssistantReply.ToolCallReply(
                ToolCall.of("brave_search", Map.of("query", "current weather in Menlo Park, California")), true), reply);
        AssistantReply wolfram = ChatFormat.parseReply(
                "<|python_tag|>wolfram_alpha.call(query=\"solve x^2 \\\"=\\\" 4\", n=2)<|eom_id|>");
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("query", "solve x^2 \"=\" 4");
        arguments.put("n", 2L);
        assertEquals(new AssistantReply.ToolCallReply(new ToolCall("wolfram_alpha", arguments), true), wolfram);
    }

    @Test
    void codeForTheInterpreter() {
        String code = "import math\nprint(math.factorial(10))";
        assertEquals(new AssistantReply.CodeInterpreterCall(code),
                ChatFormat.parseReply("<|python_tag|>" + code + "<|eom_id|>"));
    }

    @Test
    void jsonThatIsNotACallIsText() {
        assertEquals(new AssistantReply.Text("{\"answer\": 42}"), ChatFormat.parseReply("{\"answer\": 42}<|eot_id|>"));
        assertEquals(new AssistantReply.Text("{\"name\": \"x\", \"parameters\": {\"a\": 1}"),
                ChatFormat.parseReply("{\"name\": \"x\", \"parameters\": {\"a\": 1}"));
    }

    @Test
    void stopTokensOfATurn() {
        LlamaTokenizer tokenizer = Fixtures.fromGgufArrays();
        assertArrayEquals(new int[] {128001, 128008, 128009}, ChatFormat.stopTokens(tokenizer));
        assertTrue(ChatFormat.isStopToken(tokenizer, 128008));
        assertFalse(ChatFormat.isStopToken(tokenizer, 128006));
    }

    @Test
    void roundTripThroughTheRenderedHistory() {
        // A parsed call, put back into the conversation, renders in the template's own call syntax.
        AssistantReply reply = ChatFormat.parseReply("{\"name\": \"f\", \"parameters\": {\"x\": [1, 2]}}<|eot_id|>");
        ToolCall call = ((AssistantReply.ToolCallReply) reply).call();
        String rendered = ChatFormat.llama31().withTools(java.util.List.of())
                .render(java.util.List.of(ChatMessage.user("go"), ChatMessage.toolCall(call)), false);
        assertTrue(rendered.endsWith("<|start_header_id|>assistant<|end_header_id|>\n\n"
                + "{\"name\": \"f\", \"parameters\": {\"x\": [1, 2]}}<|eot_id|>"), rendered);
    }
}
