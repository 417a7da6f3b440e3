package io.llama4j.structured;

import io.llama4j.LlamaException;
import java.util.Arrays;
import java.util.Set;

/**
 * Where one generation stands in a {@link JsonSchema}: masks the logits of tokens that cannot continue a
 * valid document, and follows the tokens chosen. Not thread-safe; one per generation.
 *
 * <p>Masking walks the byte-sorted vocabulary with the automaton: each distinct token prefix is fed once,
 * and a rejected prefix skips every token that starts with it, so a step costs far less than feeding all
 * 128K tokens (inside a string, where most tokens fit, it is a walk of the vocabulary's prefix tree).
 *
 * <pre>{@code
 * JsonMatcher matcher = JsonSchema.parse(schemaJson).newMatcher(model.tokenizer(), model.spec().endOfGeneration());
 * while (!matcher.closed()) {
 *     float[] logits = state.forward(new int[] {last}, position++);
 *     matcher.mask(logits, remainingTokens--);          // forbidden tokens become -infinity
 *     last = sampler.sample(logits, history, random);
 *     matcher.accept(last);
 * }
 * }</pre>
 */
public final class JsonMatcher {
    private final TokenVocabulary vocabulary;
    private final Set<Integer> endTokens;
    private final boolean[] allowed;
    private final Stack[] path;
    private Stack state;

    JsonMatcher(Stack start, TokenVocabulary vocabulary, Set<Integer> endTokens) {
        this.state = start;
        this.vocabulary = vocabulary;
        this.endTokens = Set.copyOf(endTokens);
        this.allowed = new boolean[vocabulary.size()];
        this.path = new Stack[vocabulary.longest + 1];
    }

    /** The document is complete and nothing may follow: the generation should end. */
    public boolean closed() {
        return state.closed();
    }

    /**
     * Sets to negative infinity the logit of every token that cannot come next: tokens whose bytes leave
     * the document invalid, tokens after which it could not be completed in {@code remainingTokens} more
     * tokens, special tokens, and end tokens unless the document may end here.
     *
     * @throws LlamaException if no token is left (a vocabulary without single-byte tokens and a tight budget)
     */
    public void mask(float[] logits, int remainingTokens) {
        Arrays.fill(allowed, false);
        int any = state.top() instanceof Frame.Text text && text.mode() == Frame.Text.BODY
                ? allowInString(text, remainingTokens) : allowByWalking(remainingTokens);
        if (state.mayEnd()) {
            for (int id : endTokens) {
                if (id >= 0 && id < allowed.length) {
                    allowed[id] = true;
                    any++;
                }
            }
        }
        if (any == 0) {
            throw new LlamaException("no token can continue the JSON document within " + remainingTokens
                    + " tokens (the schema's shortest document is longer than the budget left)");
        }
        for (int id = 0; id < logits.length; id++) {
            if (id >= allowed.length || !allowed[id]) {
                logits[id] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * Inside a string, between characters: a token of plain characters only needs its character count
     * checked; the others (quotes, escapes, cut UTF-8) are fed from the end of their plain part.
     */
    private int allowInString(Frame.Text text, int remainingTokens) {
        byte[][] byId = vocabulary.byId;
        int[] plainBytes = vocabulary.plainBytes;
        int[] plainChars = vocabulary.plainChars;
        SchemaNode.StringNode node = text.node();
        Stack rest = state.rest();
        int any = 0;
        for (int id = 0; id < byId.length; id++) {
            byte[] b = byId[id];
            if (b == null) {
                continue;
            }
            int chars = text.chars() + plainChars[id];
            if (chars > node.maxLength()) {
                continue;
            }
            int toClose;
            if (plainBytes[id] == b.length) {
                toClose = Stack.saturatedAdd(1 + Math.max(0, node.minLength() - chars), rest.toClose());
            } else {
                Stack s = Stack.of(new Frame.Text(node, chars, Frame.Text.BODY, 0, 0, 0), rest);
                for (int k = plainBytes[id]; k < b.length && s != null; k++) {
                    s = s.feed(b[k] & 0xFF);
                }
                if (s == null) {
                    continue;
                }
                toClose = s.toClose();
            }
            if (toClose <= remainingTokens) {
                allowed[id] = true;
                any++;
            }
        }
        return any;
    }

    /** Walks the byte-sorted vocabulary, feeding each distinct prefix once. */
    private int allowByWalking(int remainingTokens) {
        int[] ids = vocabulary.ids;
        byte[][] bytes = vocabulary.bytes;
        path[0] = state;
        int valid = 0;          // path[0..valid] are the states after the first k bytes of the previous token
        byte[] previous = null;
        int any = 0;
        for (int i = 0; i < ids.length; ) {
            byte[] t = bytes[i];
            int depth = previous == null ? 0 : Math.min(valid, commonPrefix(previous, t));
            boolean dead = false;
            while (depth < t.length) {
                Stack next = path[depth].feed(t[depth] & 0xFF);
                if (next == null) {
                    dead = true;
                    break;
                }
                path[++depth] = next;
            }
            valid = depth;
            previous = t;
            if (!dead) {
                if (path[depth].toClose() <= remainingTokens) {
                    allowed[ids[i]] = true;
                    any++;
                }
                i++;
                continue;
            }
            // Every following token that starts with t[0..depth] is dead too: they are the next ones in byte
            // order, and their end is found by galloping (most dead subtrees are small, a few are huge).
            i = endOfPrefix(bytes, i, t, depth + 1);
        }
        return any;
    }

    /**
     * Follows the chosen token.
     *
     * @throws LlamaException if the token cannot continue the document (a sampler that ignored the mask)
     */
    public void accept(int token) {
        byte[] b = token >= 0 && token < vocabulary.byId.length ? vocabulary.byId[token] : null;
        if (b == null) {
            throw new LlamaException("token " + token + " is not text and cannot continue the JSON document");
        }
        Stack s = state;
        for (byte x : b) {
            s = s.feed(x & 0xFF);
            if (s == null) {
                throw new LlamaException("token " + token + " cannot continue the JSON document (the sampler chose a masked token)");
            }
        }
        state = s;
    }

    /** The first index after {@code from} whose token does not start with {@code prefix[0 ..< length]}. */
    private static int endOfPrefix(byte[][] bytes, int from, byte[] prefix, int length) {
        int lo = from;              // bytes[lo] starts with the prefix
        int step = 1;
        int hi = from + 1;
        while (hi < bytes.length && startsWith(bytes[hi], prefix, length)) {
            lo = hi;
            step <<= 1;
            hi = from + step;
        }
        hi = Math.min(hi, bytes.length);
        while (hi - lo > 1) {       // bytes[lo] starts with it, bytes[hi] (or the end) does not
            int mid = (lo + hi) >>> 1;
            if (startsWith(bytes[mid], prefix, length)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    private static int commonPrefix(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    private static boolean startsWith(byte[] t, byte[] prefix, int length) {
        if (t.length < length) {
            return false;
        }
        return Arrays.equals(t, 0, length, prefix, 0, length);
    }
}
