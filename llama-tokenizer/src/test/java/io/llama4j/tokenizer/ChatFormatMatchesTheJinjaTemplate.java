package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ChatFormat} renders every conversation of the table byte for byte as the official Llama 3.1
 * chat template does, rendered by a real Jinja engine ({@link JinjaOracle}).
 */
class ChatFormatMatchesTheJinjaTemplate {
    private static final String TEMPLATE_PATH = "tools/fixtures/llama31_chat_template.jinja";

    /** One row of the table: a format configuration and a conversation. */
    record Conversation(String name, ChatFormat format, Map<String, Object> templateVariables,
                        List<ChatMessage> messages, boolean addGenerationPrompt) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final ToolDefinition WEATHER = ToolDefinition.function("get_current_weather",
            "Get the current weather in a given location",
            "{\"type\": \"object\", \"properties\": {\"location\": {\"type\": \"string\", \"description\":"
                    + " \"The city and state, e.g. San Francisco, CA\"}, \"unit\": {\"type\": \"string\","
                    + " \"enum\": [\"celsius\", \"fahrenheit\"]}}, \"required\": [\"location\"]}");
    static final ToolDefinition CALCULATOR = ToolDefinition.ofJson("{\"type\": \"function\", \"function\":"
            + " {\"name\": \"multiply\", \"description\": \"Multiply two numbers: \\\"a × b\\\"\\nExact.\","
            + " \"parameters\": {\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"number\"},"
            + " \"b\": {\"type\": \"number\", \"default\": 1.5, \"minimum\": -10, \"examples\": [0.5, 2.0, true, null]}},"
            + " \"required\": [], \"additionalProperties\": {}}}}");

    static Stream<Conversation> conversations() {
        ChatFormat plain = ChatFormat.llama31();
        // The template's variables for each configuration, written out independently of ChatFormat.
        List<Object> toolJson = List.of(WEATHER.json(), CALCULATOR.json());
        List<String> builtinNames = List.of("brave_search", "wolfram_alpha");
        ChatFormat tools = plain.withTools(List.of(WEATHER, CALCULATOR));
        ChatFormat builtin = plain.withBuiltinTools(BuiltinTool.BRAVE_SEARCH, BuiltinTool.WOLFRAM_ALPHA);
        ChatFormat allBuiltin = plain.withBuiltinTools(BuiltinTool.BRAVE_SEARCH, BuiltinTool.CODE_INTERPRETER,
                BuiltinTool.WOLFRAM_ALPHA);
        ToolCall weatherCall = ToolCall.ofJson("get_current_weather",
                "{\"location\": \"Paris, France\", \"unit\": \"celsius\", \"days\": 3, \"detail\": {\"hourly\": false, \"ratio\": 0.25}}");
        ToolCall search = ToolCall.of("brave_search", Map.of("query", "current weather in Menlo Park, California"));
        Map<String, Object> jsonResult = new LinkedHashMap<>();
        jsonResult.put("temperature", 21.5);
        jsonResult.put("conditions", List.of("sunny", "windy"));
        jsonResult.put("note", "Füße \"quoted\" 🌞");

        return Stream.of(
                new Conversation("one user message", plain, Map.of(),
                        List.of(ChatMessage.user("Hi")), true),
                new Conversation("system and user", plain, Map.of(),
                        List.of(ChatMessage.system("You are a helpful assistant."), ChatMessage.user("What is 2+2?")), true),
                new Conversation("multi-turn without generation prompt", plain, Map.of(),
                        List.of(ChatMessage.system("Answer in French."), ChatMessage.user("Hello!"),
                                ChatMessage.assistant("Bonjour !"), ChatMessage.user("How are you?"),
                                ChatMessage.assistant("Très bien, merci.")), false),
                new Conversation("whitespace around content is trimmed", plain, Map.of(),
                        List.of(ChatMessage.system("  \n spaced system\n\n"), ChatMessage.user("\t hello \n  world \n"),
                                ChatMessage.assistant("\n\nanswer  ")), true),
                new Conversation("injected date", plain.withDate(LocalDate.of(2024, 9, 1)), Map.of("date_string", "01 Sep 2024"),
                        List.of(ChatMessage.user("What day is it?")), true),
                new Conversation("free-text date", plain.withDateString("21 September 2024"),
                        Map.of("date_string", "21 September 2024"),
                        List.of(ChatMessage.system("Be brief."), ChatMessage.user("Date?")), true),
                new Conversation("special-token text and unicode in content", plain, Map.of(),
                        List.of(ChatMessage.user("Say <|eot_id|> and 日本語, 🦙, Ünïcödé\r\nlines"),
                                ChatMessage.assistant("<|python_tag|> is just text here")), true),
                new Conversation("a later system message is an ordinary turn", plain, Map.of(),
                        List.of(ChatMessage.user("first"), ChatMessage.system("late note"), ChatMessage.user("second")), true),
                new Conversation("custom tools in the first user message", tools, vars("tools", toolJson),
                        List.of(ChatMessage.system("You are a weather bot."), ChatMessage.user("Weather in Paris?")), true),
                new Conversation("custom tools without a system message", tools, vars("tools", toolJson),
                        List.of(ChatMessage.user("  Multiply 3 by 4.  ")), true),
                new Conversation("custom tools in the system message", tools.withToolsInSystemMessage(),
                        vars("tools", toolJson, "tools_in_user_message", false),
                        List.of(ChatMessage.system("You are a weather bot."), ChatMessage.user("Weather in Paris?")), true),
                new Conversation("custom tool call, string result, answer", tools, vars("tools", toolJson),
                        List.of(ChatMessage.user("Weather in Paris?"), ChatMessage.toolCall(weatherCall),
                                ChatMessage.toolResult("{\"temperature\": 21, \"unit\": \"celsius\"}"),
                                ChatMessage.assistant("It is 21 °C in Paris."), ChatMessage.user("Thanks!")), true),
                new Conversation("custom tool call with a JSON object result", tools.withToolsInSystemMessage(),
                        vars("tools", toolJson, "tools_in_user_message", false),
                        List.of(ChatMessage.system("sys"), ChatMessage.user("Weather?"), ChatMessage.toolCall(weatherCall),
                                ChatMessage.toolResultJson(jsonResult)), true),
                new Conversation("tool result as a JSON list", tools, vars("tools", toolJson),
                        List.of(ChatMessage.user("List?"), ChatMessage.toolCall(ToolCall.of("multiply", Map.of())),
                                ChatMessage.toolResultJson(List.of(1L, "two", 3.0, List.of()))), true),
                new Conversation("built-in tools", builtin, vars("builtin_tools", builtinNames),
                        List.of(ChatMessage.system("You are a search assistant."), ChatMessage.user("Search the weather.")), true),
                new Conversation("built-in tool call and result", builtin, vars("builtin_tools", builtinNames),
                        List.of(ChatMessage.user("Weather in Menlo Park?"), ChatMessage.toolCall(search),
                                ChatMessage.toolResult("{\"results\": [\"72°F and sunny\"]}"),
                                ChatMessage.assistant("It is 72°F and sunny.")), true),
                new Conversation("code interpreter is implied, not listed", allBuiltin,
                        vars("builtin_tools", List.of("brave_search", "code_interpreter", "wolfram_alpha")),
                        List.of(ChatMessage.user("Compute 2**10 in python.")), true),
                new Conversation("only the code interpreter", plain.withBuiltinTools(BuiltinTool.CODE_INTERPRETER),
                        vars("builtin_tools", List.of("code_interpreter")),
                        List.of(ChatMessage.system("Write code."), ChatMessage.user("Sort [3,1,2].")), true),
                new Conversation("built-in and custom tools, custom call in ipython mode",
                        builtin.withTools(List.of(WEATHER)),
                        vars("builtin_tools", builtinNames, "custom_tools", List.of(WEATHER.json())),
                        List.of(ChatMessage.system("sys"), ChatMessage.user("Weather in Paris?"),
                                ChatMessage.toolCall(weatherCall), ChatMessage.toolResult("sunny")), true),
                new Conversation("empty custom tool list", plain.withTools(List.of()), vars("tools", List.of()),
                        List.of(ChatMessage.user("Hi"), ChatMessage.assistant("Hello"), ChatMessage.user("Bye")), false));
    }

    private static Map<String, Object> vars(Object... keysAndValues) {
        Map<String, Object> vars = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            vars.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return vars;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversations")
    void rendersAsTheTemplate(Conversation conversation) throws IOException {
        String expected = JinjaOracle.render(template(), conversation);
        String actual = conversation.format().render(conversation.messages(), conversation.addGenerationPrompt());
        assertEquals(expected, actual);
        assertTrue(actual.startsWith("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversations")
    void encodesAsTheRenderedText(Conversation conversation) {
        // The template's output tokenized with special parsing (as HF and llama.cpp do) gives the same ids
        // as the structural encoding, except where message text itself spells a special token.
        LlamaTokenizer tokenizer = Fixtures.fromGgufArrays();
        String rendered = conversation.format().render(conversation.messages(), conversation.addGenerationPrompt());
        int[] ids = conversation.format().encode(tokenizer, conversation.messages(), conversation.addGenerationPrompt());
        assertEquals(rendered, tokenizer.decode(ids));
        if (!conversation.name().contains("special-token text")) {
            assertEquals(List.of(boxed(tokenizer.encode(rendered, true))), List.of(boxed(ids)));
        }
    }

    private static Integer[] boxed(int[] ids) {
        Integer[] boxed = new Integer[ids.length];
        for (int i = 0; i < ids.length; i++) {
            boxed[i] = ids[i];
        }
        return boxed;
    }

    private static String template() throws IOException {
        String shared = System.getProperty("llama4j.shared");
        Path path = Path.of(shared, TEMPLATE_PATH);
        assertTrue(Files.isRegularFile(path), "missing fixture " + path);
        return Files.readString(path, StandardCharsets.UTF_8);
    }

    /** The HF message dicts the template sees for our messages. */
    static List<Map<String, Object>> templateMessages(List<ChatMessage> messages) {
        List<Map<String, Object>> out = new ArrayList<>();
        int toolResults = 0;
        for (ChatMessage message : messages) {
            Map<String, Object> dict = new LinkedHashMap<>();
            if (message instanceof ChatMessage.Text text) {
                dict.put("role", text.role().headerName());
                dict.put("content", text.content());
            } else if (message instanceof ChatMessage.ToolCallRequest request) {
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", request.call().name());
                function.put("arguments", request.call().arguments());
                dict.put("role", "assistant");
                dict.put("tool_calls", List.of(Map.of("type", "function", "function", function)));
            } else if (message instanceof ChatMessage.ToolResult result) {
                // Both role names reach the same template branch; use both.
                dict.put("role", toolResults++ % 2 == 0 ? "tool" : "ipython");
                dict.put("content", result.content());
            }
            out.add(dict);
        }
        return out;
    }
}
