package io.llama4j.structured;

import java.util.ArrayList;
import java.util.List;

/**
 * One value being written, at the byte level: which bytes may come next, what they lead to, and how many
 * bytes at least complete it ({@link #toClose()}). Frames are immutable values; {@link #feed} returns the
 * whole new stack. Output is compact JSON: no whitespace between tokens.
 */
sealed interface Frame {
    /**
     * The stack after byte {@code b} with this frame on top of {@code rest}, or null when the byte cannot come
     * here. A complete value pops itself; one that could still grow (a number) hands a byte it cannot take
     * to the frame below.
     */
    Stack feed(int b, Stack rest);

    /** Whether the value is complete here (it may still grow). */
    boolean accepting();

    /** The fewest bytes that complete this value. */
    int toClose();

    /** Below the document: complete, nothing may follow. */
    enum End implements Frame {
        INSTANCE;

        @Override
        public Stack feed(int b, Stack rest) {
            return null;
        }

        @Override
        public boolean accepting() {
            return true;
        }

        @Override
        public int toClose() {
            return 0;
        }
    }

    /**
     * One of several byte strings, {@code at} bytes of which are written; when one is complete, {@code next}
     * takes over (or the value ends, if null). A text that is a prefix of another (enum 1 and 12) makes this
     * complete but extendable.
     */
    record Literals(List<byte[]> texts, int at, Frame next) implements Frame {
        @Override
        public Stack feed(int b, Stack rest) {
            List<byte[]> kept = new ArrayList<>(texts.size());
            boolean longer = false;
            for (byte[] t : texts) {
                if (t.length > at && (t[at] & 0xFF) == b) {
                    kept.add(t);
                    longer |= t.length > at + 1;
                }
            }
            if (kept.isEmpty()) {
                return next == null && accepting() ? rest.feed(b) : null;
            }
            if (!longer) {
                return next == null ? rest : Stack.of(next, rest);
            }
            return Stack.of(new Literals(kept, at + 1, next), rest);
        }

        @Override
        public boolean accepting() {
            if (next != null) {
                return false;
            }
            for (byte[] t : texts) {
                if (t.length == at) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public int toClose() {
            int shortest = Integer.MAX_VALUE;
            for (byte[] t : texts) {
                shortest = Math.min(shortest, t.length - at);
            }
            return Stack.saturatedAdd(shortest, next == null ? 0 : next.toClose());
        }
    }

    /**
     * The inside of a string, after its opening quote: {@code chars} characters begun, and the bytes still owed
     * by the current one (a UTF-8 sequence whose next byte lies in {@code lo..hi}, an escape, or {@code \\u} hex
     * digits). Only valid UTF-8 is written, and no {@code \\u} escape of a surrogate.
     */
    record Text(SchemaNode.StringNode node, int chars, int mode, int owed, int lo, int hi) implements Frame {
        static final int BODY = 0;
        static final int UTF8 = 1;
        static final int ESCAPE = 2;
        static final int HEX = 3;

        @Override
        public Stack feed(int b, Stack rest) {
            Text next = switch (mode) {
                case BODY -> body(b);
                case UTF8 -> b >= lo && b <= hi ? (owed == 1 ? body() : new Text(node, chars, UTF8, owed - 1, 0x80, 0xBF)) : null;
                case ESCAPE -> switch (b) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> body();
                    case 'u' -> new Text(node, chars, HEX, 4, 0, 0);
                    default -> null;
                };
                default -> !isHex(b) || (owed == 4 && (b == 'd' || b == 'D')) ? null
                        : owed == 1 ? body() : new Text(node, chars, HEX, owed - 1, 0, 0);
            };
            if (next == null) {
                return mode == BODY && b == '"' && chars >= node.minLength() ? rest : null;
            }
            return Stack.of(next, rest);
        }

        private Text body() {
            return new Text(node, chars, BODY, 0, 0, 0);
        }

        private Text body(int b) {
            if (b == '"' || b < 0x20 || chars >= node.maxLength()) {
                return null;
            }
            int c = chars + 1;
            if (b == '\\') {
                return new Text(node, c, ESCAPE, 1, 0, 0);
            }
            if (b < 0x80) {
                return new Text(node, c, BODY, 0, 0, 0);
            }
            if (b >= 0xC2 && b <= 0xDF) {
                return new Text(node, c, UTF8, 1, 0x80, 0xBF);
            }
            if (b >= 0xE0 && b <= 0xEF) {
                return new Text(node, c, UTF8, 2, b == 0xE0 ? 0xA0 : 0x80, b == 0xED ? 0x9F : 0xBF);
            }
            if (b >= 0xF0 && b <= 0xF4) {
                return new Text(node, c, UTF8, 3, b == 0xF0 ? 0x90 : 0x80, b == 0xF4 ? 0x8F : 0xBF);
            }
            return null;
        }

        private static boolean isHex(int b) {
            return (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
        }

        @Override
        public boolean accepting() {
            return false;
        }

        @Override
        public int toClose() {
            return owed + Math.max(0, node.minLength() - chars) + 1;
        }
    }

    /**
     * A number: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}, without fraction or exponent for an
     * integer. Digit runs are capped (16 integer, 16 fraction, 2 exponent digits, so a float64 holds it) so a number always ends.
     */
    record Number(boolean integer, int phase, int digits) implements Frame {
        static final int START = 0;
        static final int MINUS = 1;
        static final int ZERO = 2;
        static final int INT = 3;
        static final int DOT = 4;
        static final int FRACTION = 5;
        static final int E = 6;
        static final int E_SIGN = 7;
        static final int EXPONENT = 8;
        static final int MAX_INT_DIGITS = 16;
        static final int MAX_FRACTION_DIGITS = 16;
        static final int MAX_EXPONENT_DIGITS = 2;

        @Override
        public Stack feed(int b, Stack rest) {
            boolean digit = b >= '0' && b <= '9';
            Number next = switch (phase) {
                case START -> b == '-' ? at(MINUS, 0) : digit ? (b == '0' ? at(ZERO, 1) : at(INT, 1)) : null;
                case MINUS -> digit ? (b == '0' ? at(ZERO, 1) : at(INT, 1)) : null;
                case ZERO -> fractionOrExponent(b);
                case INT -> digit && digits < MAX_INT_DIGITS ? at(INT, digits + 1) : fractionOrExponent(b);
                case DOT -> digit ? at(FRACTION, 1) : null;
                case FRACTION -> digit && digits < MAX_FRACTION_DIGITS ? at(FRACTION, digits + 1)
                        : (b == 'e' || b == 'E') ? at(E, 0) : null;
                case E -> b == '+' || b == '-' ? at(E_SIGN, 0) : digit ? at(EXPONENT, 1) : null;
                case E_SIGN -> digit ? at(EXPONENT, 1) : null;
                default -> digit && digits < MAX_EXPONENT_DIGITS ? at(EXPONENT, digits + 1) : null;
            };
            if (next != null) {
                return Stack.of(next, rest);
            }
            return accepting() ? rest.feed(b) : null;
        }

        private Number fractionOrExponent(int b) {
            if (integer) {
                return null;
            }
            return b == '.' ? at(DOT, 0) : (b == 'e' || b == 'E') ? at(E, 0) : null;
        }

        private Number at(int p, int d) {
            return new Number(integer, p, d);
        }

        @Override
        public boolean accepting() {
            return phase == ZERO || phase == INT || phase == FRACTION || phase == EXPONENT;
        }

        @Override
        public int toClose() {
            return accepting() ? 0 : 1;
        }
    }

    /** Inside an array after {@code [}, with {@code count} items begun. */
    record Array(SchemaNode.ArrayNode node, int count, int phase) implements Frame {
        static final int OPEN = 0;
        static final int EXPECT_ITEM = 1;
        static final int AFTER_ITEM = 2;

        @Override
        public Stack feed(int b, Stack rest) {
            switch (phase) {
                case OPEN -> {
                    if (b == ']') {
                        return node.minItems() == 0 ? rest : null;
                    }
                    return node.maxItems() > 0 ? item(b, rest) : null;
                }
                case EXPECT_ITEM -> {
                    return item(b, rest);
                }
                default -> {
                    if (b == ',' && count < node.maxItems()) {
                        return Stack.of(new Array(node, count, EXPECT_ITEM), rest);
                    }
                    return b == ']' && count >= node.minItems() ? rest : null;
                }
            }
        }

        private Stack item(int b, Stack rest) {
            return node.items().start().feed(b, Stack.of(new Array(node, count + 1, AFTER_ITEM), rest));
        }

        @Override
        public boolean accepting() {
            return false;
        }

        @Override
        public int toClose() {
            int item = node.items().minBytes();
            int min = node.minItems();
            return switch (phase) {
                case OPEN -> min == 0 ? 1 : Stack.saturatedAdd(min * item + min - 1, 1);
                case EXPECT_ITEM -> Stack.saturatedAdd(item + Math.max(0, min - count - 1) * (item + 1), 1);
                default -> Stack.saturatedAdd(Math.max(0, min - count) * (item + 1), 1);
            };
        }
    }

    /**
     * Inside an object after {@code {}: {@code seen} properties written (a bit set), and where in the next
     * member: a key being matched ({@code keyAt} bytes against {@code candidates}), its colon, or its value.
     */
    record Obj(SchemaNode.ObjectNode node, long seen, int phase, int current, int keyAt, long candidates) implements Frame {
        static final int OPEN = 0;
        static final int EXPECT_KEY = 1;
        static final int KEY = 2;
        static final int COLON = 3;
        static final int VALUE = 4;
        static final int AFTER_VALUE = 5;

        private long unseen() {
            int n = node.names().size();
            long all = n == 64 ? -1L : (1L << n) - 1;
            return all & ~seen;
        }

        private boolean requiredDone() {
            return (node.required() & ~seen) == 0;
        }

        @Override
        public Stack feed(int b, Stack rest) {
            return switch (phase) {
                case OPEN -> b == '}' && requiredDone() ? rest
                        : b == '"' && unseen() != 0 ? Stack.of(key(0, unseen()), rest) : null;
                case EXPECT_KEY -> b == '"' ? Stack.of(key(0, unseen()), rest) : null;
                case KEY -> keyByte(b, rest);
                case COLON -> b == ':' ? Stack.of(new Obj(node, seen, VALUE, current, 0, 0L), rest) : null;
                case VALUE -> node.values().get(current).start().feed(b,
                        Stack.of(new Obj(node, seen | (1L << current), AFTER_VALUE, -1, 0, 0L), rest));
                default -> b == ',' && unseen() != 0 ? Stack.of(new Obj(node, seen, EXPECT_KEY, -1, 0, 0L), rest)
                        : b == '}' && requiredDone() ? rest : null;
            };
        }

        private Obj key(int at, long cands) {
            return new Obj(node, seen, KEY, -1, at, cands);
        }

        private Stack keyByte(int b, Stack rest) {
            long kept = 0;
            for (long c = candidates; c != 0; c &= c - 1) {
                int p = Long.numberOfTrailingZeros(c);
                byte[] k = node.keys().get(p);
                if (b == '"' && k.length == keyAt) {
                    return Stack.of(new Obj(node, seen, COLON, p, 0, 0L), rest);
                }
                if (k.length > keyAt && (k[keyAt] & 0xFF) == b) {
                    kept |= 1L << p;
                }
            }
            return kept == 0 ? null : Stack.of(key(keyAt + 1, kept), rest);
        }

        @Override
        public boolean accepting() {
            return false;
        }

        /** The fewest bytes to finish a key among {@code cands} from {@code at}, its value, the rest and the brace. */
        private int viaKey(long cands, int at) {
            int best = Integer.MAX_VALUE / 2;
            for (long c = cands; c != 0; c &= c - 1) {
                int p = Long.numberOfTrailingZeros(c);
                int cost = node.keys().get(p).length - at + 2 + node.values().get(p).minBytes()
                        + node.requiredBytes(seen | (1L << p)) + 1;
                best = Math.min(best, cost);
            }
            return best;
        }

        @Override
        public int toClose() {
            return switch (phase) {
                case OPEN -> requiredDone() ? 1 : Stack.saturatedAdd(1, viaKey(unseen(), 0));
                case EXPECT_KEY -> Stack.saturatedAdd(1, viaKey(unseen(), 0));
                case KEY -> viaKey(candidates, keyAt);
                case COLON -> Stack.saturatedAdd(1 + node.values().get(current).minBytes(),
                        node.requiredBytes(seen | (1L << current)) + 1);
                case VALUE -> Stack.saturatedAdd(node.values().get(current).minBytes(),
                        node.requiredBytes(seen | (1L << current)) + 1);
                default -> Stack.saturatedAdd(node.requiredBytes(seen), 1);
            };
        }
    }

    /** The start of a value that may be of several types; its first byte picks the alternative. */
    record Choice(SchemaNode.ChoiceNode node) implements Frame {
        @Override
        public Stack feed(int b, Stack rest) {
            for (SchemaNode alternative : node.alternatives()) {
                Stack s = alternative.start().feed(b, rest);
                if (s != null) {
                    return s;
                }
            }
            return null;
        }

        @Override
        public boolean accepting() {
            return false;
        }

        @Override
        public int toClose() {
            return node.minBytes();
        }
    }
}
