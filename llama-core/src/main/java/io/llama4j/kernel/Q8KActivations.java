package io.llama4j.kernel;

/**
 * Input rows quantized to Q8_K blocks, the activation format of ggml's K-quant dot products: per 256 values
 * a float32 scale and int8 quants, plus the sum of each 16 quants (which K-quants use to apply their
 * per-sub-block minimums). Follows {@code quantize_row_q8_K_ref}: the scale is taken from the value of
 * largest magnitude, with its sign, so that value maps to exactly -127.
 */
final class Q8KActivations implements Activations {
    static final int BLOCK = 256;

    final byte[] quants;
    /** The quants widened to shorts, for the 16-bit integer kernel ({@link IntegerDots}). */
    final short[] quantsAsShorts;
    final float[] scales;
    /** Per 16 quants, their sum. */
    final int[] sums16;
    /** Per 32 quants, their sum (the K-quant sub-blocks with minimums span 32). */
    final int[] sums32;
    final int length;

    private Q8KActivations(byte[] quants, float[] scales, int[] sums16, int length) {
        this.quants = quants;
        this.quantsAsShorts = new short[quants.length];
        for (int i = 0; i < quants.length; i++) {
            quantsAsShorts[i] = quants[i];
        }
        this.scales = scales;
        this.sums16 = sums16;
        this.sums32 = new int[sums16.length / 2];
        for (int i = 0; i < sums32.length; i++) {
            sums32[i] = sums16[2 * i] + sums16[2 * i + 1];
        }
        this.length = length;
    }

    static Q8KActivations quantize(float[] x, int rows, int length) {
        int blocks = rows * length / BLOCK;
        byte[] q = new byte[rows * length];
        float[] d = new float[blocks];
        int[] sums = new int[rows * length / 16];
        for (int b = 0; b < blocks; b++) {
            int base = b * BLOCK;
            float max = 0;
            float amax = 0;
            for (int j = 0; j < BLOCK; j++) {
                float ax = Math.abs(x[base + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[base + j];
                }
            }
            if (amax == 0) {
                continue; // all zeros: scale 0, quants 0, sums 0
            }
            float inverse = -127f / max;
            for (int j = 0; j < BLOCK; j++) {
                q[base + j] = (byte) Math.min(127, (int) Math.rint(inverse * x[base + j]));
            }
            for (int g = 0; g < BLOCK / 16; g++) {
                int sum = 0;
                for (int j = 0; j < 16; j++) {
                    sum += q[base + g * 16 + j];
                }
                sums[base / 16 + g] = sum;
            }
            d[b] = 1 / inverse;
        }
        return new Q8KActivations(q, d, sums, length);
    }
}
