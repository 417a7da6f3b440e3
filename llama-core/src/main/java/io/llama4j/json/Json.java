package io.llama4j.json;

import io.llama4j.ModelFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A strict JSON parser for the small documents llama-core reads (safetensors headers, config.json, the
 * shard index, JSON Schemas). Values become {@link Map} (key order kept), {@link List}, {@link String},
 * {@link Long} for integers that fit, {@link Double} for other numbers, {@link Boolean} and null. llama-core
 * carries no JSON library, and these documents need nothing more; errors name the document and the
 * character offset. Internal to llama4j: not an API.
 *
 * <pre>{@code
 * Map<?, ?> config = (Map<?, ?>) Json.parse(Files.readString(file), file, "config.json");
 * long layers = (Long) config.get("num_hidden_layers");
 * Object schema = Json.parse(text, message -> new JsonSchemaException("schema " + message));
 * }</pre>
 */
public final class Json {
    private static final int MAX_DEPTH = 64;

    private final String text;
    private final Function<String, ? extends RuntimeException> errors;
    private int at;

    private Json(String text, Function<String, ? extends RuntimeException> errors) {
        this.text = text;
        this.errors = errors;
    }

    /**
     * Parses one complete document of a model file; {@code what} says which document it is in the
     * {@link ModelFormatException}.
     */
    public static Object parse(String text, Path file, String what) {
        return parse(text, problem -> new ModelFormatException(file, what + " " + problem));
    }

    /**
     * Parses one complete document; on a syntax error throws what {@code errors} makes of a message such as
     * {@code "is not valid JSON at character 12: expected ':'"}.
     */
    public static Object parse(String text, Function<String, ? extends RuntimeException> errors) {
        Json json = new Json(text, errors);
        Object value = json.value(0);
        json.skipSpace();
        if (json.at != text.length()) {
            throw json.error("text after the end of the JSON value");
        }
        return value;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
        skipSpace();
        if (at >= text.length()) {
            throw error("unexpected end");
        }
        char c = text.charAt(at);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        at++;
        Map<String, Object> members = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            at++;
            return members;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String key = string();
            skipSpace();
            if (peek() != ':') {
                throw error("expected ':' after member name \"" + key + "\"");
            }
            at++;
            if (members.containsKey(key)) {
                throw error("duplicate member \"" + key + "\"");
            }
            members.put(key, value(depth + 1));
            skipSpace();
            char c = peek();
            at++;
            if (c == '}') {
                return members;
            }
            if (c != ',') {
                at--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        at++;
        List<Object> items = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            at++;
            return items;
        }
        while (true) {
            items.add(value(depth + 1));
            skipSpace();
            char c = peek();
            at++;
            if (c == ']') {
                return items;
            }
            if (c != ',') {
                at--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        at++;
        StringBuilder out = new StringBuilder();
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(at++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                at--;
                throw error("control character inside a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = at < text.length() ? text.charAt(at++) : '\0';
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw error("truncated \\u escape");
                    }
                    String hex = text.substring(at, at + 4);
                    // Integer.parseInt alone would also take a sign ("-7ff"), which JSON does not allow.
                    if (!hex.chars().allMatch(h -> Character.digit(h, 16) >= 0 && h < 0x80)) {
                        throw error("bad \\u escape");
                    }
                    out.append((char) Integer.parseInt(hex, 16));
                    at += 4;
                }
                default -> throw error("bad escape");
            }
        }
    }

    private Object number() {
        int start = at;
        if (peek() == '-') {
            at++;
        }
        int digits = digits();
        if (digits == 0 || (digits > 1 && text.charAt(at - digits) == '0')) {
            throw error("malformed number");
        }
        boolean integral = true;
        if (peek() == '.') {
            at++;
            integral = false;
            if (digits() == 0) {
                throw error("malformed number");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            at++;
            integral = false;
            if (peek() == '+' || peek() == '-') {
                at++;
            }
            if (digits() == 0) {
                throw error("malformed number");
            }
        }
        String literal = text.substring(start, at);
        if (integral) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException tooLarge) {
                // falls through to a double, which callers reject where they need an exact count
            }
        }
        return Double.parseDouble(literal);
    }

    private int digits() {
        int start = at;
        while (at < text.length() && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
            at++;
        }
        return at - start;
    }

    private Object literal(String word, Object value) {
        if (!text.startsWith(word, at)) {
            throw error("unexpected word");
        }
        at += word.length();
        return value;
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            at++;
        }
    }

    private RuntimeException error(String problem) {
        return errors.apply("is not valid JSON at character " + at + ": " + problem);
    }
}
