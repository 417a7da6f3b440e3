package io.llama4j.onnx.graph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file beside a graph that holds its large tensors ({@code model.onnx.data}). Each tensor starts on a
 * page boundary so that ONNX Runtime can map it instead of reading it.
 *
 * <p>Space is reserved in graph order ({@link #reserve}), so the layout does not depend on which encoding
 * thread finishes first, and each tensor's bytes are then written into its own region by whichever thread
 * encodes it ({@link #writeAt}: positional writes, safe from several threads at once).
 */
final class ExternalData implements AutoCloseable {
    static final int ALIGNMENT = 4096;

    private final Path file;
    private final FileChannel channel;
    private long size;

    ExternalData(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** The file's name, as the graph refers to it. */
    String fileName() {
        return file.getFileName().toString();
    }

    /** Where the next tensor will start. */
    synchronized long nextOffset() {
        return (size + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** Reserves {@code length} bytes at {@link #nextOffset()} and returns that offset; fill it with {@link #writeAt}. */
    synchronized long reserve(long length) {
        long offset = nextOffset();
        size = offset + length;
        return offset;
    }

    /** Appends {@code bytes} (from its position to its limit) at {@link #nextOffset()} and returns that offset. */
    long append(ByteBuffer bytes) throws IOException {
        long offset = reserve(bytes.remaining());
        writeAt(bytes, offset);
        return offset;
    }

    /** Writes {@code bytes} (position to limit) at {@code offset}, inside a region {@link #reserve} handed out. */
    void writeAt(ByteBuffer bytes, long offset) throws IOException {
        long at = offset;
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
    }

    synchronized long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        try {
            channel.force(false); // the folder is renamed into the cache next: its data must be on disk first
        } finally {
            channel.close();
        }
    }
}
