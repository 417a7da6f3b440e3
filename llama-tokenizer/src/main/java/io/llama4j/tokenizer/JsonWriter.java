package io.llama4j.tokenizer;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON exactly as Python's {@code json.dumps(value, ensure_ascii=False, indent=...)} does, because
 * the Llama 3.1 chat template renders tool definitions and arguments with HF's {@code tojson} filter, which
 * is that call. Without indent: {@code {"a": 1, "b": [1, 2]}}; with indent 4: one member per line, items
 * separated by "," and keys by ": ", empty containers as {@code {}} and {@code []}.
 *
 * <p>Accepts the values {@link JsonReader} produces: maps (keys written with {@code String.valueOf}, in
 * iteration order), lists, strings, numbers, booleans and null.
 */
final class JsonWriter {
    /** No indentation: everything on one line, Python's default separators {@code ", "} and {@code ": "}. */
    static final int COMPACT = -1;

    private final StringBuilder out = new StringBuilder();
    private final int indent;

    private JsonWriter(int indent) {
        this.indent = indent;
    }

    static String write(Object value, int indent) {
        JsonWriter writer = new JsonWriter(indent);
        writer.value(value, 0);
        return writer.out.toString();
    }

    static String write(Object value) {
        return write(value, COMPACT);
    }

    private void value(Object value, int depth) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof String) {
            string((String) value);
        } else if (value instanceof Boolean) {
            out.append((boolean) (Boolean) value ? "true" : "false");
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short
                || value instanceof Byte || value instanceof BigInteger) {
            out.append(value);
        } else if (value instanceof Double || value instanceof Float) {
            out.append(pythonFloatRepr(((Number) value).doubleValue()));
        } else if (value instanceof BigDecimal) {
            out.append(pythonFloatRepr(((BigDecimal) value).doubleValue()));
        } else if (value instanceof Map) {
            object((Map<?, ?>) value, depth);
        } else if (value instanceof List) {
            array((List<?>) value, depth);
        } else {
            throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }

    private void object(Map<?, ?> map, int depth) {
        if (map.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            separator(first, depth + 1);
            first = false;
            string(String.valueOf(entry.getKey()));
            out.append(": ");
            value(entry.getValue(), depth + 1);
        }
        newline(depth);
        out.append('}');
    }

    private void array(List<?> list, int depth) {
        if (list.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (Object item : list) {
            separator(first, depth + 1);
            first = false;
            value(item, depth + 1);
        }
        newline(depth);
        out.append(']');
    }

    private void separator(boolean first, int depth) {
        if (indent == COMPACT) {
            if (!first) {
                out.append(", ");
            }
        } else {
            if (!first) {
                out.append(',');
            }
            newline(depth);
        }
    }

    private void newline(int depth) {
        if (indent != COMPACT) {
            out.append('\n');
            for (int i = 0; i < depth * indent; i++) {
                out.append(' ');
            }
        }
    }

    /** ensure_ascii=False: only quote, backslash and C0 controls are escaped, with lowercase hex. */
    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                default:
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that round-trip, positional for decimal exponents
     * from -4 to 15 ({@code 0.0001}, {@code 1e-05}, {@code 1e+16}), always with a fraction or exponent.
     */
    static String pythonFloatRepr(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        BigDecimal shortest = shortestRoundTrip(Math.abs(d));
        String digits = shortest.unscaledValue().toString();
        int n = digits.length();
        int pointPosition = n - shortest.scale();   // value = 0.digits * 10^pointPosition
        StringBuilder sb = new StringBuilder(d < 0 ? "-" : "");
        if (pointPosition > -4 && pointPosition <= 16) {
            if (pointPosition <= 0) {
                sb.append("0.");
                sb.append("0".repeat(-pointPosition));
                sb.append(digits);
            } else if (pointPosition >= n) {
                sb.append(digits).append("0".repeat(pointPosition - n)).append(".0");
            } else {
                sb.append(digits, 0, pointPosition).append('.').append(digits, pointPosition, n);
            }
        } else {
            int exponent = pointPosition - 1;
            sb.append(digits.charAt(0));
            if (n > 1) {
                sb.append('.').append(digits, 1, n);
            }
            sb.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                sb.append('0');
            }
            sb.append(abs);
        }
        return sb.toString();
    }

    /**
     * The decimal with the fewest significant digits that parses back to {@code d}, the one nearest to
     * {@code d} among those (as Python's repr). Rounding the exact binary value to k digits gives the
     * nearest k-digit decimal, so the first k that round-trips is the answer. Not Double.toString: it keeps
     * at least two digits (4.9E-324) and is not always shortest before JDK 19.
     */
    private static BigDecimal shortestRoundTrip(double d) {
        BigDecimal exact = new BigDecimal(d);
        for (int k = 1; k < 17; k++) {
            BigDecimal candidate = exact.round(new java.math.MathContext(k, java.math.RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == d) {
                return candidate.stripTrailingZeros();
            }
        }
        return exact.round(new java.math.MathContext(17, java.math.RoundingMode.HALF_EVEN)).stripTrailingZeros();
    }
}
