package io.llama4j.kernel;

import java.util.Arrays;

/**
 * Input rows quantized to Q8_K blocks, the activation format of ggml's K-quant dot products: per 256 values
 * a float32 scale and int8 quants, plus the sum of each 16 quants (which K-quants use to apply their
 * per-sub-block minimums). Follows {@code quantize_row_q8_K_ref}: the scale is taken from the value of
 * largest magnitude, with its sign, so that value maps to exactly -127. Like {@link Q8_0Activations}, an
 * earlier instance's arrays are rewritten in place when they fit, so a decode step allocates nothing.
 */
final class Q8KActivations implements Activations {
    static final int BLOCK = 256;

    /** At least {@code rows * length} quants; only the first {@code rows * length} are this input's. */
    byte[] quants;
    /** The quants widened to shorts, for the 16-bit integer kernel ({@link IntegerDots}). */
    short[] quantsAsShorts;
    float[] scales;
    /** Per 16 quants, their sum. */
    int[] sums16;
    /** Per 32 quants, their sum (the K-quant sub-blocks with minimums span 32). */
    int[] sums32;
    int length;

    private Q8KActivations(int values) {
        this.quants = new byte[values];
        this.quantsAsShorts = new short[values];
        this.scales = new float[values / BLOCK];
        this.sums16 = new int[values / 16];
        this.sums32 = new int[values / 32];
    }

    static Q8KActivations quantize(float[] x, int rows, int length) {
        return quantize(x, rows, length, null);
    }

    /** Quantizes into {@code reuse} when it fits ({@link Activations#reusable}). */
    static Q8KActivations quantize(float[] x, int rows, int length, Q8KActivations reuse) {
        int values = rows * length;
        Q8KActivations a = reuse != null && Activations.reusable(reuse.quants.length, values)
                ? reuse : new Q8KActivations(values);
        a.length = length;
        byte[] q = a.quants;
        float[] d = a.scales;
        int[] sums = a.sums16;
        for (int b = 0; b < values / BLOCK; b++) {
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
                // All zeros: scale 0, quants 0, sums 0 (written, as the arrays may hold an earlier input).
                Arrays.fill(q, base, base + BLOCK, (byte) 0);
                Arrays.fill(sums, base / 16, base / 16 + BLOCK / 16, 0);
                d[b] = 0;
                continue;
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
        for (int i = 0; i < values; i++) {
            a.quantsAsShorts[i] = q[i];
        }
        for (int i = 0; i < values / 32; i++) {
            a.sums32[i] = sums[2 * i] + sums[2 * i + 1];
        }
        return a;
    }
}
