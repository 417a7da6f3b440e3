package io.llama4j;

import io.llama4j.spi.InferenceState;
import java.util.ArrayList;
import java.util.List;

/**
 * KV caches a model keeps after their sessions close, so that a new session whose prompt starts with the
 * same tokens (a system prompt, few-shot examples, a shared document) copies their keys and values instead
 * of evaluating them again, as llama.cpp's server and Ollama reuse their slots. Off until given a capacity.
 *
 * <pre>{@code
 * model.prefixCache().setCapacity(512L << 20);     // keep up to 512 MiB of closed sessions' caches
 * try (Session s = model.newSession()) { s.generate(systemPrompt + question1, options); }
 * try (Session s = model.newSession()) { s.generate(systemPrompt + question2, options); } // system prompt reused
 * }</pre>
 *
 * <p>Memory: an entry holds exactly its tokens' keys and values, {@code tokens * model.kvBytesPerToken(type)}
 * bytes of heap; the entries together never exceed {@link #capacity()}, the least recently used going first,
 * and an entry that a longer one starts with is dropped. A session reuses an entry of the same cache type
 * and context length, up to the longest prefix its prompt shares with it (at least one prompt token is
 * always evaluated, for its logits); the output is the same as without reuse. Executors that cannot copy
 * their cache (ONNX) simply get no reuse. Thread-safe.
 */
public final class PrefixCache {
    private record Entry(int[] tokens, InferenceState state, KvCacheType type, int contextLength, long bytes) {
    }

    /** A copied prefix handed to a session. */
    record Reuse(InferenceState state, int tokens) {
    }

    private final LlamaModel model;
    /** Least recently used first. */
    private final List<Entry> entries = new ArrayList<>();
    private long capacity;
    private long bytes;

    PrefixCache(LlamaModel model) {
        this.model = model;
    }

    /** Sets the most bytes of KV the cache keeps (0 turns it off and empties it). */
    public synchronized void setCapacity(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("capacity must be >= 0 bytes, got " + bytes);
        }
        capacity = bytes;
        evict();
    }

    public synchronized long capacity() {
        return capacity;
    }

    /** Bytes of KV held now. */
    public synchronized long bytes() {
        return bytes;
    }

    /** How many prefixes are held. */
    public synchronized int entries() {
        return entries.size();
    }

    /** Drops every entry. */
    public synchronized void clear() {
        for (Entry e : entries) {
            e.state().close();
        }
        entries.clear();
        bytes = 0;
    }

    /** A closing session's tokens and cache: kept as an exact-size copy if it fits. */
    synchronized void offer(int[] tokens, InferenceState state) {
        long size = (long) tokens.length * model.kvBytesPerToken(state.kvCacheType());
        if (capacity == 0 || tokens.length == 0 || size > capacity) {
            return;
        }
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (sameKind(e, state.kvCacheType(), state.contextLength()) && common(e.tokens(), tokens) == tokens.length) {
                entries.add(entries.remove(i));   // already held: just used
                return;
            }
        }
        InferenceState copy;
        try {
            copy = state.copy(tokens.length);
        } catch (LlamaException cannotCopy) {
            return;
        }
        entries.removeIf(e -> {
            boolean superseded = sameKind(e, state.kvCacheType(), state.contextLength())
                    && common(e.tokens(), tokens) == e.tokens().length;
            if (superseded) {
                e.state().close();
                bytes -= e.bytes();
            }
            return superseded;
        });
        entries.add(new Entry(tokens.clone(), copy, state.kvCacheType(), state.contextLength(), size));
        bytes += size;
        evict();
    }

    /**
     * A copy of the longest held prefix of {@code prompt}, at most {@code limit} tokens, for a session of this
     * cache type and context length; null if none is longer than {@code atLeast} tokens.
     */
    synchronized Reuse take(int[] prompt, int limit, int atLeast, KvCacheType type, int contextLength) {
        Entry best = null;
        int bestLength = atLeast;
        for (Entry e : entries) {
            if (sameKind(e, type, contextLength)) {
                int n = Math.min(limit, common(e.tokens(), prompt));
                if (n > bestLength) {
                    best = e;
                    bestLength = n;
                }
            }
        }
        if (best == null) {
            return null;
        }
        entries.remove(best);
        entries.add(best);
        return new Reuse(best.state().copy(bestLength), bestLength);
    }

    private static boolean sameKind(Entry e, KvCacheType type, int contextLength) {
        return e.type() == type && e.contextLength() == contextLength;
    }

    private static int common(int[] a, int[] b) {
        int n = Math.min(a.length, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    private void evict() {
        while (bytes > capacity && !entries.isEmpty()) {
            Entry oldest = entries.remove(0);
            oldest.state().close();
            bytes -= oldest.bytes();
        }
    }
}
