package io.llama4j.kernel;

/**
 * The 6-bit sub-block scales and minimums that Q4_K and Q5_K pack into 12 bytes (ggml's
 * {@code get_scale_min_k4}): bytes 0-3 hold scales 0-3 in their low 6 bits, bytes 4-7 mins 0-3, bytes 8-11
 * the low 4 bits of scales 4-7 (low nibble) and mins 4-7 (high nibble); the top 2 bits of bytes 0-7
 * are the high bits of scales and mins 4-7.
 */
final class KQuantScales {
    private KQuantScales() {
    }

    /** Unpacks the 12 bytes at {@code packed[0..11]} into 8 scales and 8 mins. */
    static void unpack(byte[] packed, int[] scales, int[] mins) {
        for (int s = 0; s < 8; s++) {
            if (s < 4) {
                scales[s] = packed[s] & 63;
                mins[s] = packed[s + 4] & 63;
            } else {
                scales[s] = (packed[s + 4] & 0x0F) | (((packed[s - 4] & 0xFF) >>> 6) << 4);
                mins[s] = ((packed[s + 4] & 0xFF) >>> 4) | (((packed[s] & 0xFF) >>> 6) << 4);
            }
        }
    }
}
