package io.llama4j.kernel;

/**
 * Input rows quantized to Q8_0 blocks: per 32 values, a binary16 scale {@code d = max|x| / 127} and
 * {@code round(x / d)} as int8. Follows ggml's x86 {@code quantize_row_q8_0} (multiply by {@code 127/max},
 * round half to even), so that integer dot products equal llama.cpp's.
 *
 * <p>A decode step quantizes several inputs per layer; {@link #quantize(float[], int, int, Q8_0Activations)}
 * rewrites an earlier instance's arrays in place when they fit, so that the step allocates nothing.
 */
final class Q8_0Activations implements Activations {
    static final int BLOCK = 32;

    /** At least {@code rows * length} quants; only the first {@code rows * length} are this input's. */
    byte[] quants;
    /** The same quants widened to shorts, for the 16-bit integer kernel ({@link IntegerDots}). */
    short[] quantsAsShorts;
    /** One scale per block, already rounded through binary16. */
    float[] scales;
    int length;

    private Q8_0Activations(int values) {
        this.quants = new byte[values];
        this.quantsAsShorts = new short[values];
        this.scales = new float[values / BLOCK];
    }

    static Q8_0Activations quantize(float[] x, int rows, int length) {
        return quantize(x, rows, length, null);
    }

    /**
     * Quantizes into {@code reuse} when its arrays fit ({@link Activations#reusable}), else into a new instance.
     */
    static Q8_0Activations quantize(float[] x, int rows, int length, Q8_0Activations reuse) {
        int values = rows * length;
        Q8_0Activations a = reuse != null && Activations.reusable(reuse.quants.length, values)
                ? reuse : new Q8_0Activations(values);
        a.length = length;
        byte[] q = a.quants;
        short[] s = a.quantsAsShorts;
        float[] d = a.scales;
        for (int b = 0; b < values / BLOCK; b++) {
            int base = b * BLOCK;
            float max = 0;
            for (int j = 0; j < BLOCK; j++) {
                max = Math.max(max, Math.abs(x[base + j]));
            }
            d[b] = Half.roundToF16(max / 127f);
            float inverse = max != 0 ? 127f / max : 0f;
            for (int j = 0; j < BLOCK; j++) {
                byte v = (byte) Math.rint(x[base + j] * inverse);
                q[base + j] = v;
                s[base + j] = v;
            }
        }
        return a;
    }
}
