package io.llama4j.format;

import java.lang.foreign.Arena;

/**
 * Closes the shared arena that maps a model file, also while other threads read from it. A thread reading
 * a closed arena's memory gets an {@link IllegalStateException}, never a crash; but on some JDKs the close
 * itself is refused with one while another thread is in the middle of an access. Retrying until the access
 * is over makes {@code close()} of a model reliable, so its mapping is never left behind.
 *
 * <pre>{@code
 * Arena arena = Arena.ofShared();
 * MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
 * // ... worker threads read `mapped` ...
 * ArenaRelease.close(arena);   // retries while a reader is mid-access; a no-op when already closed
 * }</pre>
 */
public final class ArenaRelease {
    /** Accesses last nanoseconds to microseconds; this bounds a close against a stuck reader. */
    private static final long GIVE_UP_NANOS = 10_000_000_000L;

    private ArenaRelease() {
    }

    /** Closes {@code arena} unless it is closed already (by this thread or another). */
    public static void close(Arena arena) {
        long deadline = System.nanoTime() + GIVE_UP_NANOS;
        while (arena.scope().isAlive()) {
            try {
                arena.close();
            } catch (IllegalStateException busyOrClosed) {
                if (!arena.scope().isAlive()) {
                    return; // another thread closed it first
                }
                if (System.nanoTime() > deadline) {
                    throw busyOrClosed;
                }
                Thread.onSpinWait();
            }
        }
    }
}
