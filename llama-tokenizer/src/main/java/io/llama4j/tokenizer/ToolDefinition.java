package io.llama4j.tokenizer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A custom tool offered to the model, as the JSON object the chat template prints (with
 * {@code tojson(indent=4)}) into the prompt. The usual shape is HF's:
 *
 * <pre>{@code
 * ToolDefinition weather = ToolDefinition.function("get_weather", "Current weather in a city",
 *         "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}");
 * // {"type": "function", "function": {"name": "get_weather", "description": ..., "parameters": {...}}}
 * }</pre>
 *
 * @param json the definition, key order kept
 */
public record ToolDefinition(Map<String, Object> json) {
    public ToolDefinition {
        json = Collections.unmodifiableMap(new LinkedHashMap<>(json));
    }

    /**
     * A function tool in HF's format.
     *
     * @param parametersSchema the JSON schema of the arguments, as JSON text
     * @throws TokenizerException if the schema is not a JSON object
     */
    public static ToolDefinition function(String name, String description, String parametersSchema) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", name);
        function.put("description", description);
        function.put("parameters", parseObject(parametersSchema, "parameters of tool " + name));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", "function");
        json.put("function", function);
        return new ToolDefinition(json);
    }

    /** A definition given as JSON text, printed as it is (key order kept). */
    public static ToolDefinition ofJson(String json) {
        return new ToolDefinition(parseObject(json, "tool definition"));
    }

    /** The definition as the prompt shows it: Python's {@code json.dumps(indent=4)}. */
    public String toPrettyJson() {
        return JsonWriter.write(json, 4);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseObject(String text, String what) {
        Object parsed = JsonReader.parse(text, what);
        if (!(parsed instanceof Map)) {
            throw new TokenizerException(what + " must be a JSON object");
        }
        return (Map<String, Object>) parsed;
    }
}
