package io.llama4j.structured;

/**
 * Where the automaton is: the innermost value being written on top, the values enclosing it below, down to
 * {@link Frame.End}. Immutable, so walking the token trie can branch from any state without copying.
 *
 * @param toClose the fewest bytes that complete the whole document from here
 */
record Stack(Frame top, Stack rest, int toClose) {
    static Stack of(Frame top, Stack rest) {
        return new Stack(top, rest, saturatedAdd(top.toClose(), rest == null ? 0 : rest.toClose));
    }

    static Stack start(SchemaNode root) {
        return of(root.start(), of(Frame.End.INSTANCE, null));
    }

    /** The stack after byte {@code b} (0..255), or null if no valid document continues with it. */
    Stack feed(int b) {
        return top.feed(b, rest);
    }

    /** The document is complete and nothing may follow. */
    boolean closed() {
        return top == Frame.End.INSTANCE;
    }

    /** The document may end here (a top-level number could still grow, so it is not {@link #closed()}). */
    boolean mayEnd() {
        return closed() || (top.accepting() && rest.closed());
    }

    static int saturatedAdd(int a, int b) {
        long sum = (long) a + b;
        return sum > Integer.MAX_VALUE / 2 ? Integer.MAX_VALUE / 2 : (int) sum;
    }
}
