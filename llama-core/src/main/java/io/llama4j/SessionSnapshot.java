package io.llama4j;

import io.llama4j.spi.InferenceState;
import io.llama4j.spi.ModelSpec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The byte format of {@link Session#snapshot()}, version 1. Integers big-endian, the cache in the executor's
 * layout (for the Java executor: per layer keys then values, little-endian numbers of the cache's type):
 * <pre>
 *   8  magic "L4JSNAP\0"
 *   4  version (1)
 *  32  model identity: SHA-256 of the model's shape, executor and a sample of every tensor's bytes
 *   2+ model description (modified UTF-8), for error messages
 *   1  KV cache type (ordinal of {@link KvCacheType}: 0 F32, 1 F16)
 *   4  context length;  4  context-shift keep (-1 = none)
 *   4  token count n;   4n token ids
 *   8  length of the cache bytes;  then the cache bytes
 *   4  CRC-32 of every byte before it
 * </pre>
 * Everything is checked on the way in; any mismatch is a {@link SnapshotFormatException}.
 */
final class SessionSnapshot {
    static final byte[] MAGIC = "L4JSNAP\0".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;

    private SessionSnapshot() {
    }

    static void write(LlamaModel model, InferenceState state, SessionOptions options, int[] tokens, OutputStream sink)
            throws IOException {
        CheckedOutputStream checked = new CheckedOutputStream(sink, new CRC32());
        DataOutputStream out = new DataOutputStream(checked);
        out.write(MAGIC);
        out.writeInt(VERSION);
        out.write(model.identity());
        out.writeUTF(model.description());
        out.writeByte(state.kvCacheType().ordinal());
        out.writeInt(state.contextLength());
        out.writeInt(options.contextShiftKeep());
        out.writeInt(tokens.length);
        for (int t : tokens) {
            out.writeInt(t);
        }
        out.writeLong((long) tokens.length * model.kvBytesPerToken(state.kvCacheType()));
        state.writeKv(tokens.length, out);
        out.flush();
        out.writeInt((int) checked.getChecksum().getValue());
        out.flush();
    }

    /** Reads a snapshot into a new session of {@code model}. */
    static Session read(LlamaModel model, InputStream source, String name) {
        Counting counting = new Counting(source);
        CheckedInputStream checked = new CheckedInputStream(counting, new CRC32());
        DataInputStream in = new DataInputStream(checked);
        String reading = "the header";
        try {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) {
                throw new SnapshotFormatException(name, 0, "not a llama4j session snapshot (no L4JSNAP magic)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new SnapshotFormatException(name, 8, "snapshot format version " + version
                        + ", this llama4j reads version " + VERSION);
            }
            reading = "the model identity";
            byte[] identity = new byte[32];
            in.readFully(identity);
            String description = in.readUTF();
            if (!java.util.Arrays.equals(identity, model.identity())) {
                throw new SnapshotFormatException(name, 12, "the snapshot was taken on another model ("
                        + description + "); this one is " + model.description());
            }
            reading = "the session settings";
            long settingsAt = counting.count;
            int typeIndex = in.readUnsignedByte();
            if (typeIndex >= KvCacheType.values().length) {
                throw new SnapshotFormatException(name, settingsAt, "unknown KV cache type " + typeIndex);
            }
            KvCacheType type = KvCacheType.values()[typeIndex];
            int contextLength = in.readInt();
            int shiftKeep = in.readInt();
            if (contextLength < 1 || contextLength > model.spec().contextLength() || shiftKeep < -1) {
                throw new SnapshotFormatException(name, settingsAt + 1, "context length " + contextLength
                        + " or context-shift keep " + shiftKeep + " out of range for this model (context "
                        + model.spec().contextLength() + ")");
            }
            reading = "the token ids";
            long countAt = counting.count;
            int count = in.readInt();
            if (count < 0 || count > contextLength) {
                throw new SnapshotFormatException(name, countAt, "token count " + count
                        + " does not fit the snapshot's context of " + contextLength);
            }
            int[] tokens = new int[count];
            for (int i = 0; i < count; i++) {
                long at = counting.count;
                tokens[i] = in.readInt();
                if (tokens[i] < 0 || tokens[i] >= model.spec().vocabularySize()) {
                    throw new SnapshotFormatException(name, at, "token " + i + " has id " + tokens[i]
                            + ", outside the vocabulary (0.." + (model.spec().vocabularySize() - 1) + ")");
                }
            }
            reading = "the KV cache";
            long lengthAt = counting.count;
            long kvBytes = in.readLong();
            long expected = (long) count * model.kvBytesPerToken(type);
            if (kvBytes != expected) {
                throw new SnapshotFormatException(name, lengthAt, "the KV cache is said to have " + kvBytes
                        + " bytes; " + count + " tokens in " + type + " take " + expected);
            }
            SessionOptions options = new SessionOptions(contextLength, shiftKeep, type);
            Session session = model.newSession(options);
            try {
                session.restoreState(tokens, in);
                reading = "the checksum";
                int computed = (int) checked.getChecksum().getValue();
                long checksumAt = counting.count;
                int stored = in.readInt();
                if (stored != computed) {
                    throw new SnapshotFormatException(name, checksumAt, "corrupt: CRC-32 of the content is "
                            + Integer.toHexString(computed) + ", the snapshot says " + Integer.toHexString(stored));
                }
                if (in.read() >= 0) {
                    throw new SnapshotFormatException(name, counting.count - 1, "bytes after the end of the snapshot");
                }
                return session;
            } catch (RuntimeException | IOException e) {
                session.close();
                throw e;
            }
        } catch (EOFException e) {
            throw new SnapshotFormatException(name, counting.count, "truncated while reading " + reading, e);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read the snapshot", e);
        }
    }

    /** Counts the bytes read, so errors can say where. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** What the identity hash covers besides the tensors: the shape and the executor. */
    static String shapeText(ModelSpec s, String executor) {
        return executor + "|" + s.name() + "|" + s.dim() + "|" + s.layers() + "|" + s.heads() + "|" + s.kvHeads()
                + "|" + s.headDim() + "|" + s.ffnDim() + "|" + s.vocabularySize() + "|" + s.contextLength()
                + "|" + s.rmsNormEps() + "|" + s.ropeTheta();
    }
}
