package io.llama4j.format.safetensors;

import io.llama4j.json.Json;
import io.llama4j.ModelFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Typed, checked reads of the members of a parsed JSON object; errors name the file and the key. */
final class JsonFields {
    private final Path file;
    private final Map<?, ?> members;

    JsonFields(Path file, Map<?, ?> members) {
        this.file = file;
        this.members = members;
    }

    /** Parses {@code text} as a JSON object. */
    static JsonFields parse(Path file, String text) {
        if (!(Json.parse(text, file, file.getFileName().toString()) instanceof Map<?, ?> members)) {
            throw new ModelFormatException(file, "is not a JSON object");
        }
        return new JsonFields(file, members);
    }

    Path file() {
        return file;
    }

    boolean has(String key) {
        return members.get(key) != null;
    }

    Optional<Long> optionalInteger(String key) {
        Object v = members.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Long n) {
            return Optional.of(n);
        }
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1L << 53) {
            return Optional.of(d.longValue());
        }
        throw wrong(key, "an integer", v);
    }

    int positiveInt(String key) {
        long v = optionalInteger(key).orElseThrow(() -> new ModelFormatException(file, "missing key \"" + key + "\""));
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new ModelFormatException(file, "\"" + key + "\" = " + v + " must be a positive int");
        }
        return (int) v;
    }

    Optional<Double> optionalReal(String key) {
        Object v = members.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Number n) {
            return Optional.of(n.doubleValue());
        }
        throw wrong(key, "a number", v);
    }

    Optional<String> optionalString(String key) {
        Object v = members.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        // tokenizer_config.json writes special tokens either as text or as {"content": text, ...}
        if (v instanceof Map<?, ?> m && m.get("content") instanceof String s) {
            return Optional.of(s);
        }
        throw wrong(key, "a string", v);
    }

    Optional<Boolean> optionalBoolean(String key) {
        Object v = members.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        throw wrong(key, "true or false", v);
    }

    /** An integer or a list of integers (as {@code eos_token_id} may be); empty when absent. */
    List<Integer> integerOrList(String key) {
        Object v = members.get(key);
        List<Integer> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        for (Object item : v instanceof List<?> list ? list : List.of(v)) {
            if (!(item instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
                throw wrong(key, "a token id or a list of them", v);
            }
            out.add(n.intValue());
        }
        return out;
    }

    /** A nested object, if present. */
    Optional<JsonFields> optionalObject(String key) {
        Object v = members.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Map<?, ?> m) {
            return Optional.of(new JsonFields(file, m));
        }
        throw wrong(key, "an object", v);
    }

    Map<?, ?> members() {
        return members;
    }

    private ModelFormatException wrong(String key, String expected, Object actual) {
        return new ModelFormatException(file, "\"" + key + "\" should be " + expected + ", is " + actual);
    }
}
