package io.llama4j.onnx.graph;

import java.nio.ByteBuffer;

/**
 * ggml's Q4_0 and Q8_0 blocks of 32 re-laid as {@code MatMulNBits} blocks, losslessly, 8 bytes at a time.
 * <ul>
 *   <li>Q4_0 (18 bytes): fp16 scale d, then 16 bytes where byte j holds element j in its low nibble and
 *       element j+16 in its high nibble; value d * (q - 8). MatMulNBits 4-bit (16 bytes): byte i holds
 *       element 2i (low) and 2i+1 (high), value scale * (q - 8) with the default zero point.</li>
 *   <li>Q8_0 (34 bytes): fp16 scale d, then 32 signed bytes, value d * q. MatMulNBits 8-bit stores unsigned
 *       q + 128 (its default zero point 128): flipping the top bit of each byte.</li>
 * </ul>
 * The scale goes out as fp16 unchanged or widened to fp32 (exact either way).
 */
final class BlockRelayout {
    static final int Q4_0_BYTES = 18;
    static final int Q8_0_BYTES = 34;
    private static final long LOW_NIBBLES = 0x0F0F_0F0F_0F0F_0F0FL;
    private static final long SIGN_BITS = 0x8080_8080_8080_8080L;

    private BlockRelayout() {
    }

    /**
     * {@code count} Q4_0 blocks from {@code src} (little-endian, from index 0): their nibbles to
     * {@code packed} (16 bytes a block from index 0), their scales to {@code scales} in {@code precision}.
     * Heap buffers and absolute accesses: they compile to plain loads and stores even before the loop is hot.
     */
    static void q4_0(ByteBuffer src, int count, ByteBuffer packed, ByteBuffer scales, Precision precision) {
        for (int b = 0, at = 0; b < count; b++, at += Q4_0_BYTES) {
            scale(src.getShort(at), scales, b, precision);
            long x0 = src.getLong(at + 2);  // elements 0..7 (low nibbles) and 16..23 (high)
            long x1 = src.getLong(at + 10); // elements 8..15 and 24..31
            packed.putLong(16 * b, evenOddPairs(x0) | evenOddPairs(x1) << 32);
            packed.putLong(16 * b + 8, evenOddPairs(x0 >>> 4) | evenOddPairs(x1 >>> 4) << 32);
        }
    }

    /** {@code count} Q8_0 blocks: 32 bytes a block to {@code packed}, scales as for Q4_0. */
    static void q8_0(ByteBuffer src, int count, ByteBuffer packed, ByteBuffer scales, Precision precision) {
        for (int b = 0, at = 0; b < count; b++, at += Q8_0_BYTES) {
            scale(src.getShort(at), scales, b, precision);
            for (int i = 0; i < 4; i++) {
                packed.putLong(32 * b + 8 * i, src.getLong(at + 2 + 8 * i) ^ SIGN_BITS);
            }
        }
    }

    /**
     * The low nibbles of the 8 bytes of {@code x} (elements e0..e7), packed two to a byte into the low 4
     * bytes: e0 | e1 << 4, e2 | e3 << 4, e4 | e5 << 4, e6 | e7 << 4.
     */
    static long evenOddPairs(long x) {
        long y = x & LOW_NIBBLES;
        y = (y | y >>> 4) & 0x00FF_00FF_00FF_00FFL; // even bytes now hold e[2i] | e[2i+1] << 4
        y = (y | y >>> 8) & 0x0000_FFFF_0000_FFFFL;
        return (y | y >>> 16) & 0xFFFF_FFFFL;
    }

    private static void scale(short half, ByteBuffer scales, int b, Precision precision) {
        if (precision == Precision.FP16) {
            scales.putShort(2 * b, half);
        } else {
            scales.putFloat(4 * b, Float.float16ToFloat(half));
        }
    }
}
