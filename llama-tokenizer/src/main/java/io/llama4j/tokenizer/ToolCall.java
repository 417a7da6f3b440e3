package io.llama4j.tokenizer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A call of a tool by the model: the tool's name and its arguments as a JSON object (key order kept,
 * values as {@link String}, {@link Long}, {@link Double}, {@link Boolean}, null, nested {@link Map} and
 * {@link java.util.List}).
 *
 * <pre>{@code
 * ToolCall call = ToolCall.of("get_weather", Map.of("city", "Paris"));
 * call.argumentsJson();   // {"city": "Paris"}
 * }</pre>
 */
public record ToolCall(String name, Map<String, Object> arguments) {
    public ToolCall {
        Objects.requireNonNull(name, "name");
        arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments == null ? Map.of() : arguments));
    }

    public static ToolCall of(String name, Map<String, ?> arguments) {
        return new ToolCall(name, new LinkedHashMap<>(arguments));
    }

    /**
     * Parses the arguments from JSON text such as {@code {"city": "Paris"}}.
     *
     * @throws TokenizerException if the text is not a JSON object
     */
    @SuppressWarnings("unchecked")
    public static ToolCall ofJson(String name, String argumentsJson) {
        Object parsed = JsonReader.parse(argumentsJson, "arguments of " + name);
        if (!(parsed instanceof Map)) {
            throw new TokenizerException("arguments of " + name + " must be a JSON object: " + argumentsJson);
        }
        return new ToolCall(name, (Map<String, Object>) parsed);
    }

    /** The arguments as JSON, formatted as the chat template does ({@code {"a": 1, "b": "x"}}). */
    public String argumentsJson() {
        return JsonWriter.write(arguments);
    }
}
