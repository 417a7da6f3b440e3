package io.llama4j.format.gguf;

import io.llama4j.ModelFormatException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The key/value metadata of a GGUF file. Values are {@link Long} for every integer type (unsigned 64-bit
 * values above {@code Long.MAX_VALUE} are rejected when read), {@link Float}/{@link Double}, {@link Boolean},
 * {@link String}, or a {@link List} of those for arrays.
 *
 * <pre>{@code
 * GgufMetadata metadata = file.metadata();
 * int layers = metadata.count("llama.block_count");
 * float theta = metadata.optionalReal("llama.rope.freq_base").orElse(10000f);
 * List<String> tokens = metadata.strings("tokenizer.ggml.tokens");
 * }</pre>
 */
public final class GgufMetadata {
    private final Path file;
    private final Map<String, Object> values;

    GgufMetadata(Path file, Map<String, Object> values) {
        this.file = file;
        this.values = Map.copyOf(values);
    }

    public boolean contains(String key) {
        return values.containsKey(key);
    }

    public Optional<Object> find(String key) {
        return Optional.ofNullable(values.get(key));
    }

    public Map<String, Object> asMap() {
        return values;
    }

    private Object require(String key) {
        Object v = values.get(key);
        if (v == null) {
            throw new ModelFormatException(file, "missing metadata key " + key);
        }
        return v;
    }

    public String string(String key) {
        if (require(key) instanceof String s) {
            return s;
        }
        throw wrongType(key, "a string");
    }

    public Optional<String> optionalString(String key) {
        return contains(key) ? Optional.of(string(key)) : Optional.empty();
    }

    /** An integer of any GGUF integer type that fits an int and is not negative. */
    public int count(String key) {
        if (require(key) instanceof Long l) {
            if (l < 0 || l > Integer.MAX_VALUE) {
                throw new ModelFormatException(file, "metadata " + key + " = " + l + " is out of range");
            }
            return (int) (long) l;
        }
        throw wrongType(key, "an integer");
    }

    public Optional<Integer> optionalCount(String key) {
        return contains(key) ? Optional.of(count(key)) : Optional.empty();
    }

    public float real(String key) {
        Object v = require(key);
        if (v instanceof Float f) {
            return f;
        }
        if (v instanceof Double d) {
            return (float) (double) d;
        }
        if (v instanceof Long l) {
            return l;
        }
        throw wrongType(key, "a number");
    }

    public Optional<Float> optionalReal(String key) {
        return contains(key) ? Optional.of(real(key)) : Optional.empty();
    }

    public boolean bool(String key, boolean fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrongType(key, "a boolean");
    }

    public List<String> strings(String key) {
        List<?> list = list(key);
        for (Object o : list) {
            if (!(o instanceof String)) {
                throw wrongType(key, "an array of strings");
            }
        }
        @SuppressWarnings("unchecked")
        List<String> strings = (List<String>) list;
        return strings;
    }

    public int[] ints(String key) {
        List<?> list = list(key);
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(list.get(i) instanceof Long l) || l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
                throw wrongType(key, "an array of 32-bit integers");
            }
            out[i] = (int) (long) l;
        }
        return out;
    }

    private List<?> list(String key) {
        if (require(key) instanceof List<?> list) {
            return list;
        }
        throw wrongType(key, "an array");
    }

    private ModelFormatException wrongType(String key, String expected) {
        return new ModelFormatException(file, "metadata " + key + " should be " + expected);
    }
}
