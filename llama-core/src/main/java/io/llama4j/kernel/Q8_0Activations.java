package io.llama4j.kernel;

/**
 * Input rows quantized to Q8_0 blocks: per 32 values, a binary16 scale {@code d = max|x| / 127} and
 * {@code round(x / d)} as int8. Follows ggml's x86 {@code quantize_row_q8_0} (multiply by {@code 127/max},
 * round half to even), so that integer dot products equal llama.cpp's.
 */
final class Q8_0Activations implements Activations {
    static final int BLOCK = 32;

    final byte[] quants;
    /** The same quants widened to shorts, for the 16-bit integer kernel ({@link IntegerDots}). */
    final short[] quantsAsShorts;
    /** One scale per block, already rounded through binary16. */
    final float[] scales;
    final int length;

    private Q8_0Activations(byte[] quants, float[] scales, int length) {
        this.quants = quants;
        this.scales = scales;
        this.length = length;
        this.quantsAsShorts = new short[quants.length];
        for (int i = 0; i < quants.length; i++) {
            quantsAsShorts[i] = quants[i];
        }
    }

    static Q8_0Activations quantize(float[] x, int rows, int length) {
        int blocks = rows * length / BLOCK;
        byte[] q = new byte[rows * length];
        float[] d = new float[blocks];
        for (int b = 0; b < blocks; b++) {
            int base = b * BLOCK;
            float max = 0;
            for (int j = 0; j < BLOCK; j++) {
                max = Math.max(max, Math.abs(x[base + j]));
            }
            d[b] = Half.roundToF16(max / 127f);
            float inverse = max != 0 ? 127f / max : 0f;
            for (int j = 0; j < BLOCK; j++) {
                q[base + j] = (byte) Math.rint(x[base + j] * inverse);
            }
        }
        return new Q8_0Activations(q, d, length);
    }
}
