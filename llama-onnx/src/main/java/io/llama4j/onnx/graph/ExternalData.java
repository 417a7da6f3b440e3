package io.llama4j.onnx.graph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file beside a graph that holds its large tensors ({@code model.onnx.data}). Each tensor starts on a
 * page boundary so that ONNX Runtime can map it instead of reading it.
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
    long nextOffset() {
        return (size + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** Appends {@code bytes} (from its position to its limit) at {@link #nextOffset()} and returns that offset. */
    long append(ByteBuffer bytes) throws IOException {
        long offset = nextOffset();
        long at = offset;
        while (bytes.hasRemaining()) {
            at += channel.write(bytes, at);
        }
        size = at;
        return offset;
    }

    /** Starts a tensor written in pieces with {@link #write}: returns its offset. */
    long begin() {
        size = nextOffset();
        return size;
    }

    /** Appends {@code bytes} right after what was written last. */
    void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            size += channel.write(bytes, size);
        }
    }

    long size() {
        return size;
    }

    @Override
    public void close() throws IOException {
        channel.force(false);
        channel.close();
    }
}
