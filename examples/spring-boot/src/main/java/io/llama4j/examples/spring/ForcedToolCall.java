package io.llama4j.examples.spring;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.llama4j.Generation;
import io.llama4j.GenerationOptions;
import io.llama4j.Session;
import io.llama4j.StopReason;
import io.llama4j.structured.JsonSchema;
import io.llama4j.structured.JsonSchemaException;
import io.llama4j.tokenizer.AssistantReply;
import io.llama4j.tokenizer.ChatFormat;
import io.llama4j.tokenizer.LlamaTokenizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * OpenAI's {@code tool_choice: "required"} or {@code {"type": "function", "function": {"name": ...}}},
 * enforced on the model rather than hoped for: the reply is written as a Llama 3.1 custom-tool call,
 * {@code {"name": NAME, "parameters": ARGS}}, whatever the weights prefer. The fixed parts are appended to the
 * prompt; the free parts are generated under llama-core's JSON-schema constraint: first the name, as one of
 * the offered names (skipped when one tool is named, or only one is offered), then the arguments, valid
 * against that tool's {@code parameters} schema. Both steps run on the request's session, so the second
 * evaluates only the tokens the first did not.
 *
 * <p>A tool whose schema uses what the constraint cannot enforce ({@code anyOf}, {@code pattern}, ...) is a
 * bad request here, not a call that might not match it.
 */
final class ForcedToolCall {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Offered tool names, in order, with the schema their arguments are generated under. */
    private final Map<String, JsonSchema> parameters;

    private ForcedToolCall(Map<String, JsonSchema> parameters) {
        this.parameters = parameters;
    }

    /**
     * The call {@code toolChoice} forces, or null when the model may answer in text ({@code "auto"}, absent)
     * or must ({@code "none"}).
     *
     * @throws IllegalArgumentException for an unknown {@code tool_choice}, a forced call without tools, a
     *                                  named function that is not offered, or a schema that cannot be enforced
     */
    static ForcedToolCall of(List<JsonNode> tools, JsonNode toolChoice) {
        if (toolChoice == null || toolChoice.isNull()) {
            return null;
        }
        String named = null;
        if (toolChoice.isTextual()) {
            switch (toolChoice.asText()) {
                case "auto", "none" -> {
                    return null;
                }
                case "required" -> { }
                default -> throw new IllegalArgumentException("tool_choice: \"" + toolChoice.asText()
                        + "\" is not one of \"none\", \"auto\", \"required\" or {\"type\": \"function\", ...}");
            }
        } else if ("function".equals(toolChoice.path("type").asText())
                && toolChoice.path("function").path("name").isTextual()) {
            named = toolChoice.get("function").get("name").asText();
        } else {
            throw new IllegalArgumentException("tool_choice: expected \"none\", \"auto\", \"required\" or "
                    + "{\"type\": \"function\", \"function\": {\"name\": ...}}, got " + toolChoice);
        }
        if (tools == null || tools.isEmpty()) {
            throw new IllegalArgumentException("tool_choice " + toolChoice + " needs \"tools\" to choose from");
        }
        Map<String, JsonSchema> schemas = new LinkedHashMap<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode function = tools.get(i).path("function");
            String name = function.path("name").asText();
            if (named != null && !named.equals(name)) {
                continue;
            }
            JsonNode schema = function.path("parameters");
            try {
                schemas.put(name, JsonSchema.parse(schema.isMissingNode()
                        ? "{\"type\": \"object\", \"properties\": {}}" : schema.toString()));
            } catch (JsonSchemaException e) {
                throw new IllegalArgumentException("tool_choice " + toolChoice + " cannot be enforced: tools[" + i
                        + "].function.parameters: " + e.getMessage());
            }
        }
        if (schemas.isEmpty()) {
            throw new IllegalArgumentException("tool_choice names function \"" + named + "\", which \"tools\" does not offer");
        }
        return new ForcedToolCall(schemas);
    }

    /**
     * Generates the call on {@code session} (over the model {@code tokenizer} belongs to) after {@code prompt}
     * (the conversation rendered with the tools, up to the assistant's header), within {@code options}' token
     * budget.
     */
    Answer generate(Session session, LlamaTokenizer tokenizer, int[] prompt, GenerationOptions options) {
        int budget = options.maxTokens();
        int completion = 0;
        StringBuilder text = new StringBuilder();
        int[] context = prompt;
        String name;
        if (parameters.size() == 1) {
            name = parameters.keySet().iterator().next();
        } else {
            text.append("{\"name\": ");
            int[] opening = tokenizer.encode(text.toString(), false);
            context = concat(context, opening);
            completion += opening.length;
            if (budget - completion < 1) {
                return unfinished(text, prompt, completion, StopReason.MAX_TOKENS);
            }
            Generation g = session.generate(context, constrained(options, names(), budget - completion), piece -> { });
            completion += g.ids().length;
            text.append(g.text());
            if (g.stopReason() != StopReason.END_OF_GENERATION) {
                return unfinished(text, prompt, completion, g.stopReason());
            }
            name = stringLiteral(g.text());
            context = concat(context, g.ids());
        }
        String middle = text.isEmpty() ? "{\"name\": " + JSON.valueToTree(name) + ", \"parameters\": " : ", \"parameters\": ";
        // The space after the colon starts the arguments' first token in the Llama 3 pre-tokenizer's split
        // (" {\""), and compact JSON cannot begin with one, so the appended text stops at the colon.
        int[] join = tokenizer.encode(middle.stripTrailing(), false);
        text.append(middle.stripTrailing());
        context = concat(context, join);
        completion += join.length;
        if (budget - completion < 1) {
            return unfinished(text, prompt, completion, StopReason.MAX_TOKENS);
        }
        Generation g = session.generate(context, constrained(options, parameters.get(name), budget - completion), piece -> { });
        completion += g.ids().length;
        text.append(g.text());
        if (g.stopReason() != StopReason.END_OF_GENERATION) {
            return unfinished(text, prompt, completion, g.stopReason());
        }
        text.append('}');
        return new Answer(ChatFormat.parseReply(text.toString()), text.toString(), prompt.length, completion,
                StopReason.END_OF_GENERATION);
    }

    private static Answer unfinished(StringBuilder text, int[] prompt, int completion, StopReason reason) {
        // Cut short (max tokens, a full context, a stop string): the partial call is returned as text.
        return new Answer(new AssistantReply.Text(text.toString()), text.toString(), prompt.length, completion, reason);
    }

    /** The name the constrained step wrote, one of the enum's JSON strings. */
    private static String stringLiteral(String json) {
        try {
            return JSON.readValue(json, String.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the name generated under its JSON schema does not parse: " + json, e);
        }
    }

    private JsonSchema names() {
        ArrayNode names = JSON.createArrayNode();
        parameters.keySet().forEach(names::add);
        return JsonSchema.parse(JSON.createObjectNode().set("enum", names).toString());
    }

    private static GenerationOptions constrained(GenerationOptions options, JsonSchema schema, int budget) {
        return options.toBuilder().jsonSchema(schema).maxTokens(budget).build();
    }

    private static int[] concat(int[] a, int[] b) {
        return IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
    }
}
