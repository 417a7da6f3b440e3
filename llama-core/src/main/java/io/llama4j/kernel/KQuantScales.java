package io.llama4j.kernel;

/**
 * The 6-bit sub-block scales and minimums that Q4_K and Q5_K pack into 12 bytes (ggml's
 * {@code get_scale_min_k4}): bytes 0-3 hold scales 0-3 in their low 6 bits, bytes 4-7 mins 0-3, bytes 8-11
 * the low 4 bits of scales 4-7 (low nibble) and mins 4-7 (high nibble); the top 2 bits of bytes 0-7
 * are the high bits of scales and mins 4-7. Unpacked into a caller's 16-int scratch array (scales at 0-7,
 * mins at 8-15), once per block, however many input rows then use it.
 */
final class KQuantScales {
    static final int SCRATCH = 16;

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

    /** {@code sum over sub-blocks of min * (sum of the sub-block's 32 activation quants)}, from Q8_K's 16-sums. */
    static int minTimesSums(int[] unpacked, int[] sums16, int at) {
        int total = 0;
        for (int j = 0; j < 8; j++) {
            total += unpacked[8 + j] * (sums16[at + 2 * j] + sums16[at + 2 * j + 1]);
        }
        return total;
    }
}
