package io.llama4j.structured;

import io.llama4j.json.Json;
import io.llama4j.tokenizer.LlamaTokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON Schema compiled into a byte-level automaton that constrains generation: with
 * {@code GenerationOptions.builder().jsonSchema(schema)}, every token whose bytes cannot continue a document
 * valid against the schema is masked before sampling, and the generation ends as soon as the document is
 * complete, so the output always parses and validates, whatever the model's weights.
 *
 * <p>Supported keywords: {@code type} (a name, or an array of distinct names), {@code properties},
 * {@code required}, {@code additionalProperties} (only {@code false}, which is also the default: objects have
 * only the listed properties, each at most once, in any order), {@code items}, {@code minItems},
 * {@code maxItems}, {@code minLength}, {@code maxLength}, {@code enum}, {@code const}; the annotations
 * {@code $schema}, {@code $id}, {@code $comment}, {@code title}, {@code description}, {@code default} and
 * {@code examples} are ignored. Any other keyword ({@code pattern}, {@code minimum}, {@code anyOf},
 * {@code $ref}...) is refused with a {@link JsonSchemaException} rather than silently not enforced.
 *
 * <p>The output is compact JSON (no whitespace outside strings). Strings are valid UTF-8 without
 * {@code \\uD800..\\uDFFF} escapes; numbers have at most 16 integer and 16 fraction digits and a 2-digit
 * exponent; integers have neither fraction nor exponent. Tokens are also masked when the document could no
 * longer be completed within the generation's remaining {@code maxTokens} (each token is at least one
 * byte), so a budget at least {@link #minBytes()} tokens long always ends in a complete document. Stop
 * strings, stop tokens, a full context ({@code StopReason.CONTEXT_FULL}) and cancellation still apply and
 * can cut it short.
 *
 * <p>Cost: the vocabulary's token bytes are read once per tokenizer and kept, byte-sorted; each step then
 * feeds every distinct live token prefix through the automaton once (dead prefixes are skipped with their
 * whole subtree), and inside a string checks tokens of plain characters by their length alone.
 *
 * <pre>{@code
 * JsonSchema schema = JsonSchema.parse("""
 *     {"type": "object", "properties": {"name": {"type": "string", "maxLength": 40},
 *      "age": {"type": "integer"}}, "required": ["name", "age"]}""");
 * String json = session.generate("Describe a person as JSON: ",
 *         GenerationOptions.builder().jsonSchema(schema).maxTokens(200).build());
 * }</pre>
 */
public final class JsonSchema {
    private static final Set<String> ANNOTATIONS = Set.of("$schema", "$id", "$comment", "title", "description",
            "default", "examples");
    private static final int MAX_PROPERTIES = 64;

    private final String text;
    private final SchemaNode root;

    private JsonSchema(String text, SchemaNode root) {
        this.text = text;
        this.root = root;
    }

    /**
     * Parses and compiles a schema.
     *
     * @throws JsonSchemaException if it is not valid JSON or uses what is not supported (naming the keyword
     *                             and where)
     */
    public static JsonSchema parse(String schemaJson) {
        Object document = Json.parse(schemaJson, problem -> new JsonSchemaException("the JSON schema " + problem));
        return new JsonSchema(schemaJson, compile(document, ""));
    }

    /** The schema's text as given. */
    public String text() {
        return text;
    }

    /** The length in bytes of the shortest valid document. */
    public int minBytes() {
        return root.minBytes();
    }

    /**
     * A fresh matcher for one generation over {@code tokenizer}'s vocabulary, ending with one of
     * {@code endTokens} where the document may end but is not closed (a top-level number).
     */
    public JsonMatcher newMatcher(LlamaTokenizer tokenizer, Set<Integer> endTokens) {
        return new JsonMatcher(Stack.start(root), TokenVocabulary.of(tokenizer), endTokens);
    }

    /** Whether {@code text} is a complete document this schema's automaton accepts (for tests and tools). */
    public boolean accepts(String text) {
        Stack s = Stack.start(root);
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            s = s.feed(b & 0xFF);
            if (s == null) {
                return false;
            }
        }
        return s.mayEnd();
    }

    @Override
    public String toString() {
        return "JsonSchema" + text;
    }

    // ---- compiling ----------------------------------------------------------------------------------------

    private static JsonSchemaException unsupported(String where, String problem) {
        return new JsonSchemaException("JSON schema at " + (where.isEmpty() ? "/" : where) + ": " + problem);
    }

    private static SchemaNode compile(Object schema, String where) {
        if (!(schema instanceof Map<?, ?> map)) {
            throw unsupported(where, "a schema must be an object, got " + Canonical.write(schema));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) map;
        Set<String> used = new LinkedHashSet<>(ANNOTATIONS);
        if (s.containsKey("enum") || s.containsKey("const")) {
            return literals(s, where, used);
        }
        Object type = s.get("type");
        used.add("type");
        List<String> types = new ArrayList<>();
        if (type instanceof String name) {
            types.add(name);
        } else if (type instanceof List<?> names && !names.isEmpty()) {
            for (Object n : names) {
                if (!(n instanceof String name) || types.contains(name)) {
                    throw unsupported(where, "\"type\" must list distinct type names");
                }
                types.add(name);
            }
        } else {
            throw unsupported(where, "give a \"type\" (or \"enum\"/\"const\"); untyped schemas are not supported");
        }
        if (types.contains("integer") && types.contains("number")) {
            types.remove("integer");
        }
        List<SchemaNode> nodes = new ArrayList<>();
        for (String t : types) {
            nodes.add(switch (t) {
                case "object" -> object(s, where, used);
                case "array" -> array(s, where, used);
                case "string" -> string(s, where, used);
                case "number" -> new SchemaNode.NumberNode(false);
                case "integer" -> new SchemaNode.NumberNode(true);
                case "boolean" -> literal(List.of("true", "false"));
                case "null" -> literal(List.of("null"));
                default -> throw unsupported(where, "unknown type \"" + t + "\"");
            });
        }
        for (String key : s.keySet()) {
            if (!used.contains(key)) {
                throw unsupported(where, "keyword \"" + key + "\" is not supported (for " + types + ")");
            }
        }
        return nodes.size() == 1 ? nodes.get(0) : new SchemaNode.ChoiceNode(nodes);
    }

    private static SchemaNode literal(List<String> texts) {
        return new SchemaNode.LiteralsNode(texts.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList());
    }

    private static SchemaNode literals(Map<String, Object> s, String where, Set<String> used) {
        used.add("enum");
        used.add("const");
        used.add("type");
        List<Object> values = new ArrayList<>();
        if (s.containsKey("const")) {
            values.add(s.get("const"));
        } else if (s.get("enum") instanceof List<?> list && !list.isEmpty()) {
            values.addAll(list);
        } else {
            throw unsupported(where, "\"enum\" must be a non-empty array");
        }
        Object type = s.get("type");
        List<Object> typed = values.stream().filter(v -> type == null || hasType(v, type)).toList();
        if (typed.isEmpty()) {
            throw unsupported(where, "no \"enum\"/\"const\" value has the schema's type " + type);
        }
        for (String key : s.keySet()) {
            if (!used.contains(key)) {
                throw unsupported(where, "keyword \"" + key + "\" is not supported beside \"enum\"/\"const\"");
            }
        }
        return literal(typed.stream().map(Canonical::write).distinct().toList());
    }

    private static boolean hasType(Object value, Object type) {
        if (type instanceof List<?> list) {
            return list.stream().anyMatch(t -> hasType(value, t));
        }
        return switch (String.valueOf(type)) {
            case "string" -> value instanceof String;
            case "integer" -> value instanceof Long || (value instanceof Double d && d == Math.rint(d) && !d.isInfinite());
            case "number" -> value instanceof Long || value instanceof Double;
            case "boolean" -> value instanceof Boolean;
            case "null" -> value == null;
            case "object" -> value instanceof Map<?, ?>;
            case "array" -> value instanceof List<?>;
            default -> false;
        };
    }

    private static int count(Map<String, Object> s, String key, int absent, String where, Set<String> used) {
        used.add(key);
        Object v = s.get(key);
        if (v == null) {
            return absent;
        }
        if (!(v instanceof Long n) || n < 0) {
            throw unsupported(where, "\"" + key + "\" must be a non-negative integer");
        }
        return (int) Math.min(n, Integer.MAX_VALUE / 4);
    }

    private static SchemaNode string(Map<String, Object> s, String where, Set<String> used) {
        int min = count(s, "minLength", 0, where, used);
        int max = count(s, "maxLength", Integer.MAX_VALUE / 4, where, used);
        if (min > max) {
            throw unsupported(where, "minLength " + min + " > maxLength " + max);
        }
        return new SchemaNode.StringNode(min, max);
    }

    private static SchemaNode array(Map<String, Object> s, String where, Set<String> used) {
        used.add("items");
        if (!s.containsKey("items")) {
            throw unsupported(where, "an array needs \"items\"");
        }
        SchemaNode items = compile(s.get("items"), where + "/items");
        int min = count(s, "minItems", 0, where, used);
        int max = count(s, "maxItems", Integer.MAX_VALUE / 4, where, used);
        if (min > max) {
            throw unsupported(where, "minItems " + min + " > maxItems " + max);
        }
        return new SchemaNode.ArrayNode(items, min, max);
    }

    private static SchemaNode object(Map<String, Object> s, String where, Set<String> used) {
        used.add("properties");
        used.add("required");
        used.add("additionalProperties");
        Object additional = s.get("additionalProperties");
        if (additional != null && !Boolean.FALSE.equals(additional)) {
            throw unsupported(where, "only \"additionalProperties\": false is supported (it is the default)");
        }
        Object props = s.getOrDefault("properties", Map.of());
        if (!(props instanceof Map<?, ?> properties)) {
            throw unsupported(where, "\"properties\" must be an object");
        }
        if (properties.size() > MAX_PROPERTIES) {
            throw unsupported(where, "more than " + MAX_PROPERTIES + " properties");
        }
        List<String> names = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        List<SchemaNode> values = new ArrayList<>();
        for (Map.Entry<?, ?> e : properties.entrySet()) {
            String name = (String) e.getKey();
            names.add(name);
            String quoted = Canonical.write(name);
            keys.add(quoted.substring(1, quoted.length() - 1).getBytes(StandardCharsets.UTF_8));
            values.add(compile(e.getValue(), where + "/properties/" + name.replace("~", "~0").replace("/", "~1")));
        }
        long required = 0;
        Object req = s.getOrDefault("required", List.of());
        if (!(req instanceof List<?> list)) {
            throw unsupported(where, "\"required\" must be an array of property names");
        }
        for (Object r : list) {
            int index = names.indexOf(r);
            if (index < 0) {
                throw unsupported(where, "required property " + Canonical.write(r)
                        + " is not among \"properties\" (no additional properties are allowed)");
            }
            required |= 1L << index;
        }
        return new SchemaNode.ObjectNode(List.copyOf(names), List.copyOf(keys), List.copyOf(values), required);
    }
}
