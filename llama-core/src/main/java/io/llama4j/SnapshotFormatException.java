package io.llama4j;

/**
 * A session snapshot cannot be restored: it is not a snapshot, comes from another version or another
 * model, or is corrupt or truncated. The message names the snapshot, what was being read and the byte
 * offset where the problem was found.
 *
 * <pre>{@code
 * try (Session restored = model.restoreSession(Path.of("chat.snapshot"))) {
 *     restored.generate("And then?", options, System.out::print);
 * } catch (SnapshotFormatException e) {
 *     System.err.println("cannot restore at byte " + e.offset() + ": " + e.getMessage());
 * }
 * }</pre>
 */
public class SnapshotFormatException extends LlamaException {
    private final long offset;

    public SnapshotFormatException(String source, long offset, String problem) {
        super(source + ": " + problem + " (at byte " + offset + ")");
        this.offset = offset;
    }

    public SnapshotFormatException(String source, long offset, String problem, Throwable cause) {
        super(source + ": " + problem + " (at byte " + offset + ")", cause);
        this.offset = offset;
    }

    /** Where in the snapshot the problem was found. */
    public long offset() {
        return offset;
    }
}
