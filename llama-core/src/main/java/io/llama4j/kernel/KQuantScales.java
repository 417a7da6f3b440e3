package io.llama4j.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The 6-bit sub-block scales and minimums that Q4_K and Q5_K pack into 12 bytes (ggml's
 * {@code get_scale_min_k4}): bytes 0-3 hold scales 0-3 in their low 6 bits, bytes 4-7 mins 0-3, bytes 8-11
 * the low 4 bits of scales 4-7 (low nibble) and mins 4-7 (high nibble); the top 2 bits of bytes 0-7
 * are the high bits of scales and mins 4-7. Unpacked into a caller's 16-int scratch array (scales at 0-7,
 * mins at 8-15), once per block, however many input rows then use it.
 */
final class KQuantScales {
    static final int SCRATCH = 16;
    private static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private KQuantScales() {
    }

    /** Unpacks the 12 bytes at {@code packed[at ..< at + 12]} into {@code out[0..15]}. */
    static void unpack(byte[] packed, int at, int[] out) {
        for (int s = 0; s < 8; s++) {
            if (s < 4) {
                out[s] = packed[at + s] & 63;
                out[8 + s] = packed[at + s + 4] & 63;
            } else {
                out[s] = (packed[at + s + 4] & 0x0F) | (((packed[at + s - 4] & 0xFF) >>> 6) << 4);
                out[8 + s] = ((packed[at + s + 4] & 0xFF) >>> 4) | (((packed[at + s] & 0xFF) >>> 6) << 4);
            }
        }
    }

    /**
     * As {@link #unpack(byte[], int, int[])} for the 12 bytes at {@code offset} of mapped memory, read as three
     * little-endian ints and unpacked four bytes at a time; also gives each 16 weights their sub-block's scale
     * in {@code groupScales}.
     */
    static void unpack(MemorySegment data, long offset, int[] out, float[] groupScales) {
        int w0 = data.get(INT_LE, offset);
        int w1 = data.get(INT_LE, offset + 4);
        int w2 = data.get(INT_LE, offset + 8);
        int scalesLow = w0 & 0x3F3F3F3F;
        int minsLow = w1 & 0x3F3F3F3F;
        int scalesHigh = (w2 & 0x0F0F0F0F) | ((w0 >>> 6) & 0x03030303) << 4;
        int minsHigh = ((w2 >>> 4) & 0x0F0F0F0F) | ((w1 >>> 6) & 0x03030303) << 4;
        for (int j = 0; j < 4; j++) {
            int shift = 8 * j;
            out[j] = (scalesLow >>> shift) & 0xFF;
            out[4 + j] = (scalesHigh >>> shift) & 0xFF;
            out[8 + j] = (minsLow >>> shift) & 0xFF;
            out[12 + j] = (minsHigh >>> shift) & 0xFF;
        }
        for (int g = 0; g < 16; g++) {
            groupScales[g] = out[g >> 1];
        }
    }

    /** {@code sum over sub-blocks of min * (sum of the sub-block's 32 activation quants)}, from Q8_K's 16-sums. */
    static int minTimesSums(int[] unpacked, int[] sums16, int at) {
        int total = 0;
        for (int j = 0; j < 8; j++) {
            total += unpacked[8 + j] * (sums16[at + 2 * j] + sums16[at + 2 * j + 1]);
        }
        return total;
    }
}
