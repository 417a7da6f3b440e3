package io.llama4j.onnx.graph;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

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
    private static final ValueLayout.OfLong LONG_LE = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long LOW_NIBBLES = 0x0F0F_0F0F_0F0F_0F0FL;
    private static final long SIGN_BITS = 0x8080_8080_8080_8080L;

    private BlockRelayout() {
    }

    /**
     * Blocks {@code first ..< first + count} of a Q4_0 tensor {@code src}: their nibbles to {@code packed}
     * (16 bytes a block from offset 0), their scales to {@code scales} in {@code precision}.
     */
    static void q4_0(MemorySegment src, long first, int count, MemorySegment packed, MemorySegment scales,
            Precision precision) {
        long at = first * Q4_0_BYTES;
        for (int b = 0; b < count; b++, at += Q4_0_BYTES) {
            scale(src.get(SHORT_LE, at), scales, b, precision);
            long x0 = src.get(LONG_LE, at + 2);  // elements 0..7 (low nibbles) and 16..23 (high)
            long x1 = src.get(LONG_LE, at + 10); // elements 8..15 and 24..31
            packed.set(LONG_LE, 16L * b, evenOddPairs(x0) | evenOddPairs(x1) << 32);
            packed.set(LONG_LE, 16L * b + 8, evenOddPairs(x0 >>> 4) | evenOddPairs(x1 >>> 4) << 32);
        }
    }

    /** Blocks {@code first ..< first + count} of a Q8_0 tensor: 32 bytes a block to {@code packed}, scales as for Q4_0. */
    static void q8_0(MemorySegment src, long first, int count, MemorySegment packed, MemorySegment scales,
            Precision precision) {
        long at = first * Q8_0_BYTES;
        for (int b = 0; b < count; b++, at += Q8_0_BYTES) {
            scale(src.get(SHORT_LE, at), scales, b, precision);
            for (int i = 0; i < 4; i++) {
                packed.set(LONG_LE, 32L * b + 8 * i, src.get(LONG_LE, at + 2 + 8 * i) ^ SIGN_BITS);
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

    private static void scale(short half, MemorySegment scales, int b, Precision precision) {
        if (precision == Precision.FP16) {
            scales.set(SHORT_LE, 2L * b, half);
        } else {
            scales.set(FLOAT_LE, 4L * b, Float.float16ToFloat(half));
        }
    }
}
