package io.llama4j.structured;

import java.util.List;

/** One compiled schema: what value may be written, as the frame that starts writing it. */
sealed interface SchemaNode {
    /** The frame expecting the value's first byte. */
    Frame start();

    /** The fewest bytes of any valid value. */
    int minBytes();

    /** A string of {@code minLength ..= maxLength} characters (code points). */
    record StringNode(int minLength, int maxLength) implements SchemaNode {
        @Override
        public Frame start() {
            return new Frame.Literals(List.of(new byte[] {'"'}), 0, new Frame.Text(this, 0, Frame.Text.BODY, 0, 0, 0));
        }

        @Override
        public int minBytes() {
            return 2 + minLength;
        }
    }

    /** A number, or an integer when {@code integer}. */
    record NumberNode(boolean integer) implements SchemaNode {
        @Override
        public Frame start() {
            return new Frame.Number(integer, Frame.Number.START, 0);
        }

        @Override
        public int minBytes() {
            return 1;
        }
    }

    /** Exactly one of the given texts (booleans, null, enum and const values in compact JSON). */
    record LiteralsNode(List<byte[]> texts) implements SchemaNode {
        @Override
        public Frame start() {
            return new Frame.Literals(texts, 0, null);
        }

        @Override
        public int minBytes() {
            return texts.stream().mapToInt(t -> t.length).min().orElse(0);
        }
    }

    /** An array of {@code minItems ..= maxItems} items of one schema. */
    record ArrayNode(SchemaNode items, int minItems, int maxItems) implements SchemaNode {
        @Override
        public Frame start() {
            return new Frame.Literals(List.of(new byte[] {'['}), 0, new Frame.Array(this, 0, Frame.Array.OPEN));
        }

        @Override
        public int minBytes() {
            return 2 + (minItems == 0 ? 0 : Stack.saturatedAdd(minItems * items.minBytes(), minItems - 1));
        }
    }

    /**
     * An object with these properties, each at most once and in any order, no others; {@code required} is a
     * bit set over {@code names}.
     *
     * @param keys the property names as they are written between the quotes (JSON-escaped UTF-8)
     */
    record ObjectNode(List<String> names, List<byte[]> keys, List<SchemaNode> values, long required) implements SchemaNode {
        @Override
        public Frame start() {
            return new Frame.Literals(List.of(new byte[] {'{'}), 0, new Frame.Obj(this, 0L, Frame.Obj.OPEN, -1, 0, 0L));
        }

        /** Bytes of {@code "key":value} at its shortest. */
        int entryBytes(int property) {
            return keys.get(property).length + 3 + values.get(property).minBytes();
        }

        /** Bytes that the required properties not in {@code seen} add, each with its comma. */
        int requiredBytes(long seen) {
            int sum = 0;
            for (int p = 0; p < names.size(); p++) {
                if ((required & ~seen & (1L << p)) != 0) {
                    sum = Stack.saturatedAdd(sum, entryBytes(p) + 1);
                }
            }
            return sum;
        }

        @Override
        public int minBytes() {
            return 1 + new Frame.Obj(this, 0L, Frame.Obj.OPEN, -1, 0, 0L).toClose();
        }
    }

    /** One of several schemas of different JSON types (a {@code type} array); the first byte decides. */
    record ChoiceNode(List<SchemaNode> alternatives) implements SchemaNode {
        @Override
        public Frame start() {
            return new Frame.Choice(this);
        }

        @Override
        public int minBytes() {
            return alternatives.stream().mapToInt(SchemaNode::minBytes).min().orElse(0);
        }
    }
}
