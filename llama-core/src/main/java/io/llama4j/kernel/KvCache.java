package io.llama4j.kernel;

import io.llama4j.KvCacheType;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Keys (after RoPE) and values of every position evaluated so far, per layer, in float32 or binary16. Grows
 * with use up to the context length instead of being allocated for the whole context up front.
 *
 * <p>Attention reads the cache through {@link #keyDot} and {@link #addValue}, so an F16 cache is streamed
 * through and widened row by row, never converted whole.
 */
abstract sealed class KvCache permits KvCache.Floats, KvCache.Halves {
    private static final int MIN_CAPACITY = 256;

    final int layers;
    final int kvDim;
    private final int contextLength;
    int capacity;

    private KvCache(int layers, int kvDim, int contextLength) {
        this.layers = layers;
        this.kvDim = kvDim;
        this.contextLength = contextLength;
    }

    static KvCache of(KvCacheType type, int layers, int kvDim, int contextLength) {
        return switch (type) {
            case F32 -> new Floats(layers, kvDim, contextLength);
            case F16 -> new Halves(layers, kvDim, contextLength);
        };
    }

    /** A one-layer float32 cache over existing arrays (for benchmarks of attention alone). */
    static KvCache over(float[] keys, float[] values, int kvDim) {
        Floats cache = new Floats(1, kvDim, keys.length / kvDim);
        cache.keys[0] = keys;
        cache.values[0] = values;
        cache.capacity = keys.length / kvDim;
        return cache;
    }

    abstract KvCacheType type();

    int contextLength() {
        return contextLength;
    }

    /** Makes room for positions {@code 0 ..< positions}. */
    void ensureCapacity(int positions) {
        if (positions <= capacity) {
            return;
        }
        int grown = (int) Math.min(contextLength, Math.max(positions, Math.max(MIN_CAPACITY, 2L * capacity)));
        resize(grown);
        capacity = grown;
    }

    abstract void resize(int positions);

    /** Stores {@code tokens} rows of keys and values (each {@code kvDim} long) at {@code position ..}. */
    abstract void store(int layer, int position, float[] k, float[] v, int tokens);

    /**
     * What a float32 operand becomes before it meets a cached row: itself for F32; for F16 the nearest
     * binary16, as ggml converts the float32 side of an F16 matrix product.
     */
    abstract float operand(float x);

    /** {@code q[qOffset ..< qOffset+n] . key(layer, position)[offset ..< offset+n]}. */
    abstract float keyDot(int layer, int position, int offset, float[] q, int qOffset, int n);

    /** {@code out[o ..< o+n] += p * value(layer, position)[offset ..< offset+n]}. */
    abstract void addValue(int layer, int position, int offset, float p, float[] out, int o, int n);

    /** Bytes per stored number: 4 for F32, 2 for F16. */
    abstract int bytesPerElement();

    /** The backing array ({@code float[]} or {@code short[]}) of one layer's keys or values. */
    abstract Object array(int layer, boolean ofValues);

    /** Puts {@code array[from ..< from+count]} into {@code chunk} (little-endian, from its start). */
    abstract void encode(Object array, int from, int count, ByteBuffer chunk);

    /** Gets {@code count} numbers from {@code chunk}'s start into {@code array[from ..]}. */
    abstract void decode(ByteBuffer chunk, Object array, int from, int count);

    /** A cache of the same type and context holding a copy of the first {@code positions} positions. */
    KvCache copy(int positions) {
        KvCache copy = of(type(), layers, kvDim, contextLength);
        copy.ensureCapacity(positions);
        for (int l = 0; l < layers; l++) {
            for (boolean ofValues : new boolean[] {false, true}) {
                System.arraycopy(array(l, ofValues), 0, copy.array(l, ofValues), 0, positions * kvDim);
            }
        }
        return copy;
    }

    /**
     * Writes the first {@code positions} positions: per layer, keys then values, row after row, each number
     * little-endian in this cache's type.
     */
    void write(int positions, DataOutput out) throws IOException {
        int bytes = bytesPerElement();
        int rows = rowsPerChunk(kvDim, bytes);
        ByteBuffer chunk = ByteBuffer.allocate(rows * kvDim * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int l = 0; l < layers; l++) {
            for (boolean ofValues : new boolean[] {false, true}) {
                for (int p = 0; p < positions; p += rows) {
                    int count = Math.min(rows, positions - p) * kvDim;
                    chunk.clear();
                    encode(array(l, ofValues), p * kvDim, count, chunk);
                    out.write(chunk.array(), 0, count * bytes);
                }
            }
        }
    }

    /** Reads what {@link #write} wrote into positions {@code 0 ..< positions}. */
    void read(int positions, DataInput in) throws IOException {
        ensureCapacity(positions);
        int bytes = bytesPerElement();
        int rows = rowsPerChunk(kvDim, bytes);
        ByteBuffer chunk = ByteBuffer.allocate(rows * kvDim * bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int l = 0; l < layers; l++) {
            for (boolean ofValues : new boolean[] {false, true}) {
                for (int p = 0; p < positions; p += rows) {
                    int count = Math.min(rows, positions - p) * kvDim;
                    in.readFully(chunk.array(), 0, count * bytes);
                    chunk.clear();
                    decode(chunk, array(l, ofValues), p * kvDim, count);
                }
            }
        }
    }

    /** Rows per chunk when streaming to and from bytes: large enough to be cheap, small enough to stay off the heap's mind. */
    private static int rowsPerChunk(int kvDim, int bytesPerElement) {
        return Math.max(1, (1 << 16) / (kvDim * bytesPerElement));
    }

    static final class Floats extends KvCache {
        private final float[][] keys;
        private final float[][] values;

        Floats(int layers, int kvDim, int contextLength) {
            super(layers, kvDim, contextLength);
            this.keys = new float[layers][0];
            this.values = new float[layers][0];
        }

        @Override
        KvCacheType type() {
            return KvCacheType.F32;
        }

        @Override
        void resize(int positions) {
            for (int l = 0; l < layers; l++) {
                keys[l] = Arrays.copyOf(keys[l], positions * kvDim);
                values[l] = Arrays.copyOf(values[l], positions * kvDim);
            }
        }

        @Override
        float operand(float x) {
            return x;
        }

        @Override
        void store(int layer, int position, float[] k, float[] v, int tokens) {
            System.arraycopy(k, 0, keys[layer], position * kvDim, tokens * kvDim);
            System.arraycopy(v, 0, values[layer], position * kvDim, tokens * kvDim);
        }

        @Override
        float keyDot(int layer, int position, int offset, float[] q, int qOffset, int n) {
            float[] k = keys[layer];
            int ko = position * kvDim + offset;
            if (VectorSupport.ENABLED) {
                return VectorDots.dot(q, qOffset, k, ko, n);
            }
            float sum = 0;
            for (int i = 0; i < n; i++) {
                sum += q[qOffset + i] * k[ko + i];
            }
            return sum;
        }

        @Override
        void addValue(int layer, int position, int offset, float p, float[] out, int o, int n) {
            float[] v = values[layer];
            int vo = position * kvDim + offset;
            if (VectorSupport.ENABLED) {
                VectorDots.addScaled(out, o, p, v, vo, n);
                return;
            }
            for (int i = 0; i < n; i++) {
                out[o + i] += p * v[vo + i];
            }
        }

        @Override
        int bytesPerElement() {
            return 4;
        }

        @Override
        Object array(int layer, boolean ofValues) {
            return ofValues ? values[layer] : keys[layer];
        }

        @Override
        void encode(Object array, int from, int count, ByteBuffer chunk) {
            chunk.asFloatBuffer().put((float[]) array, from, count);
        }

        @Override
        void decode(ByteBuffer chunk, Object array, int from, int count) {
            chunk.asFloatBuffer().get((float[]) array, from, count);
        }
    }

    /**
     * binary16 storage, rounded to nearest-even on the way in as ggml's {@code GGML_FP32_TO_FP16}. As ggml's
     * F16 matrix products convert their float32 operand to F16, the query and the attention weight are rounded
     * too before they meet a cached row; the products are summed in float32.
     */
    static final class Halves extends KvCache {
        private final short[][] keys;
        private final short[][] values;

        Halves(int layers, int kvDim, int contextLength) {
            super(layers, kvDim, contextLength);
            this.keys = new short[layers][0];
            this.values = new short[layers][0];
        }

        @Override
        KvCacheType type() {
            return KvCacheType.F16;
        }

        @Override
        void resize(int positions) {
            for (int l = 0; l < layers; l++) {
                keys[l] = Arrays.copyOf(keys[l], positions * kvDim);
                values[l] = Arrays.copyOf(values[l], positions * kvDim);
            }
        }

        @Override
        float operand(float x) {
            return Float.float16ToFloat(Float.floatToFloat16(x));
        }

        @Override
        void store(int layer, int position, float[] k, float[] v, int tokens) {
            short[] ks = keys[layer];
            short[] vs = values[layer];
            int at = position * kvDim;
            for (int i = 0; i < tokens * kvDim; i++) {
                ks[at + i] = Float.floatToFloat16(k[i]);
                vs[at + i] = Float.floatToFloat16(v[i]);
            }
        }

        @Override
        float keyDot(int layer, int position, int offset, float[] q, int qOffset, int n) {
            short[] k = keys[layer];
            int ko = position * kvDim + offset;
            if (VectorSupport.ENABLED) {
                return HalfVectors.dot(q, qOffset, k, ko, n);
            }
            float sum = 0;
            for (int i = 0; i < n; i++) {
                sum += q[qOffset + i] * Float.float16ToFloat(k[ko + i]);
            }
            return sum;
        }

        @Override
        void addValue(int layer, int position, int offset, float p, float[] out, int o, int n) {
            short[] v = values[layer];
            int vo = position * kvDim + offset;
            if (VectorSupport.ENABLED) {
                HalfVectors.addScaled(out, o, p, v, vo, n);
                return;
            }
            for (int i = 0; i < n; i++) {
                out[o + i] += p * Float.float16ToFloat(v[vo + i]);
            }
        }

        @Override
        int bytesPerElement() {
            return 2;
        }

        @Override
        Object array(int layer, boolean ofValues) {
            return ofValues ? values[layer] : keys[layer];
        }

        @Override
        void encode(Object array, int from, int count, ByteBuffer chunk) {
            chunk.asShortBuffer().put((short[]) array, from, count);
        }

        @Override
        void decode(ByteBuffer chunk, Object array, int from, int count) {
            chunk.asShortBuffer().get((short[]) array, from, count);
        }
    }
}
