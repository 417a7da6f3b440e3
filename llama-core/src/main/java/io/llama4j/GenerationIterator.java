package io.llama4j;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A generation consumed by pulling: each {@link #next()} evaluates tokens until the next piece of text is
 * complete (a piece never ends inside a UTF-8 character, never contains a stop string). Closing it early
 * cancels the generation; the session stays usable.
 *
 * <pre>{@code
 * try (GenerationIterator pieces = session.iterate("Once upon a time", options)) {
 *     while (pieces.hasNext()) {
 *         System.out.print(pieces.next());
 *     }
 *     System.out.println(pieces.generation().stopReason());
 * }
 * }</pre>
 */
public final class GenerationIterator implements Iterator<String>, AutoCloseable {
    private final Decoding decoding;
    private String next;
    private boolean exhausted;

    GenerationIterator(Decoding decoding) {
        this.decoding = decoding;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !exhausted) {
            next = decoding.next();
            exhausted = next == null;
        }
        return next != null;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the generation has ended");
        }
        String piece = next;
        next = null;
        return piece;
    }

    /** The outcome; available once {@link #hasNext()} returned false or the iterator was closed. */
    public Generation generation() {
        if (!exhausted) {
            throw new IllegalStateException("the generation is still running: read it to the end or close it first");
        }
        return decoding.result();
    }

    /** The remaining pieces as a sequential stream; closing the stream closes this iterator. */
    public Stream<String> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this,
                Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(this::close);
    }

    /** Stops the generation before its next token, if it has not ended. */
    @Override
    public void close() {
        if (!exhausted) {
            decoding.cancel();
            while (decoding.next() != null) {
                // a cancelled decoding ends without evaluating anything more; drop the text it flushes
            }
            exhausted = true;
            next = null;
        }
    }
}
