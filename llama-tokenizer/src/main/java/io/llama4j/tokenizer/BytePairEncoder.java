package io.llama4j.tokenizer;

/**
 * Byte-level BPE of one pre-tokenized piece.
 *
 * <p>First the whole piece is looked up in the vocabulary ({@code ignore_merges} in HF terms; tiktoken does
 * the same): some pieces are tokens that the merge rules alone would not reach. Otherwise the piece starts
 * as one token per byte, and the adjacent pair with the highest-priority merge rule is merged, leftmost
 * first among equals, until no rule applies.
 *
 * <p>Short pieces, nearly all of them, keep their parts in an array and scan it for the best pair (as
 * tiktoken does): quadratic, but with tiny constants. Long pieces (runs of letters or symbols) use a
 * linked list and a heap of candidate pairs so that they stay O(n log n). Both only touch scratch arrays.
 */
final class BytePairEncoder {
    /** Pieces up to this many bytes use the array scan; longer ones the heap. */
    static final int LINEAR_LIMIT = 48;
    private static final long NO_RULE = Long.MAX_VALUE;

    private final Vocabulary vocabulary;
    private final MergeTable merges;

    BytePairEncoder(Vocabulary vocabulary, MergeTable merges) {
        this.vocabulary = vocabulary;
        this.merges = merges;
    }

    /** Encodes {@code bytes[0, length)} and appends the ids to {@code out}. */
    void encode(byte[] bytes, int length, Scratch scratch, IntList out) {
        int whole = vocabulary.idOf(bytes, 0, length);
        if (whole >= 0) {
            out.add(whole);
        } else if (length <= LINEAR_LIMIT) {
            encodeByScanning(bytes, length, scratch, out);
        } else {
            encodeWithHeap(bytes, length, scratch, out);
        }
    }

    void encodeByScanning(byte[] bytes, int length, Scratch scratch, IntList out) {
        int[] parts = scratch.parts(length);
        long[] rules = scratch.rules(length);   // rules[i]: the rule for (parts[i], parts[i + 1])
        for (int i = 0; i < length; i++) {
            parts[i] = vocabulary.byteToken(bytes[i] & 0xFF);
        }
        for (int i = 0; i + 1 < length; i++) {
            rules[i] = rule(parts[i], parts[i + 1]);
        }
        int n = length;
        while (n > 1) {
            long best = NO_RULE;
            int at = -1;
            for (int i = 0; i + 1 < n; i++) {
                if (rules[i] < best) {   // strict: the leftmost of equal priorities wins
                    best = rules[i];
                    at = i;
                }
            }
            if (at < 0) {
                break;
            }
            parts[at] = (int) best;
            System.arraycopy(parts, at + 2, parts, at + 1, n - at - 2);
            System.arraycopy(rules, at + 2, rules, at + 1, n - at - 3 > 0 ? n - at - 3 : 0);
            n--;
            if (at + 1 < n) {
                rules[at] = rule(parts[at], parts[at + 1]);
            }
            if (at > 0) {
                rules[at - 1] = rule(parts[at - 1], parts[at]);
            }
        }
        for (int i = 0; i < n; i++) {
            out.add(parts[i]);
        }
    }

    void encodeWithHeap(byte[] bytes, int length, Scratch scratch, IntList out) {
        int[] parts = scratch.parts(length);   // token at each start position; -1 once merged away
        int[] next = scratch.next(length);     // start of the following part, or length
        int[] prev = scratch.prev(length);     // start of the preceding part, or -1
        long[] heap = scratch.heap(length);    // (priority << 32 | position), a min-heap
        int heapSize = 0;
        for (int i = 0; i < length; i++) {
            parts[i] = vocabulary.byteToken(bytes[i] & 0xFF);
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        for (int i = 0; i + 1 < length; i++) {
            long rule = rule(parts[i], parts[i + 1]);
            if (rule != NO_RULE) {
                heapSize = push(heap, heapSize, (rule >>> 32) << 32 | i);
            }
        }
        while (heapSize > 0) {
            long top = heap[0];
            heapSize = pop(heap, heapSize);
            int at = (int) top;
            long priority = top >>> 32;
            // Entries are never removed when a merge invalidates them; check that the pair is still there.
            if (parts[at] < 0 || next[at] >= length) {
                continue;
            }
            int right = next[at];
            long rule = rule(parts[at], parts[right]);
            if (rule == NO_RULE || rule >>> 32 != priority) {
                continue;
            }
            parts[at] = (int) rule;
            parts[right] = -1;
            next[at] = next[right];
            if (next[at] < length) {
                prev[next[at]] = at;
                long after = rule(parts[at], parts[next[at]]);
                if (after != NO_RULE) {
                    heapSize = push(heap, heapSize, (after >>> 32) << 32 | at);
                }
            }
            if (prev[at] >= 0) {
                long before = rule(parts[prev[at]], parts[at]);
                if (before != NO_RULE) {
                    heapSize = push(heap, heapSize, (before >>> 32) << 32 | prev[at]);
                }
            }
        }
        for (int i = 0; i < length; i = next[i]) {
            out.add(parts[i]);
        }
    }

    private long rule(int left, int right) {
        long rule = merges.find(left, right);
        return rule == MergeTable.NONE ? NO_RULE : rule;
    }

    private static int push(long[] heap, int size, long value) {
        int i = size;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= value) {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = value;
        return size + 1;
    }

    private static int pop(long[] heap, int size) {
        int last = size - 1;
        long value = heap[last];
        int i = 0;
        while (true) {
            int child = 2 * i + 1;
            if (child >= last) {
                break;
            }
            if (child + 1 < last && heap[child + 1] < heap[child]) {
                child++;
            }
            if (value <= heap[child]) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = value;
        return last;
    }

    /** Working arrays reused across the pieces of one encode call, grown on demand. */
    static final class Scratch {
        private int[] parts = new int[64];
        private long[] rules = new long[64];
        private int[] next = new int[0];
        private int[] prev = new int[0];
        private long[] heap = new long[0];

        int[] parts(int n) {
            if (parts.length < n) {
                parts = new int[n];
            }
            return parts;
        }

        long[] rules(int n) {
            if (rules.length < n) {
                rules = new long[n];
            }
            return rules;
        }

        int[] next(int n) {
            if (next.length < n) {
                next = new int[n];
            }
            return next;
        }

        int[] prev(int n) {
            if (prev.length < n) {
                prev = new int[n];
            }
            return prev;
        }

        long[] heap(int n) {
            // At most n - 1 initial pairs plus two pushes per merge (n - 1 merges).
            if (heap.length < 3 * n) {
                heap = new long[3 * n];
            }
            return heap;
        }
    }
}
