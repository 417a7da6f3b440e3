package io.llama4j.format;

/**
 * The frequency divisors of Llama 3's "llama3" RoPE scaling, for readers whose file gives the scaling as
 * parameters rather than as GGUF's precomputed {@code rope_freqs.weight}.
 *
 * <p>Pair {@code i} of a head rotates with frequency {@code theta^(-2i/headDim)}. Wavelengths shorter than
 * {@code originalContext / highFreqFactor} keep it (divisor 1), those longer than
 * {@code originalContext / lowFreqFactor} are slowed by {@code factor}, and the band between is blended
 * smoothly. The formula is Meta's {@code apply_scaling}; llama.cpp's converter stores the same divisors.
 *
 * <pre>{@code
 * RopeScaling llama31 = new RopeScaling(8, 1, 4, 8192);          // config.json's rope_scaling
 * float[] divisors = llama31.divisors(128, 500000.0);           // one per rotation pair of a 128-wide head
 * float[] unscaled = RopeScaling.none(128);                      // all 1
 * }</pre>
 *
 * @param factor          slow-down of low frequencies (8 for Llama 3.1, 32 for 3.2 1B/3B)
 * @param lowFreqFactor   1 for Llama 3.1/3.2
 * @param highFreqFactor  4 for Llama 3.1/3.2
 * @param originalContext the pre-training context, 8192 for Llama 3
 */
public record RopeScaling(double factor, double lowFreqFactor, double highFreqFactor, double originalContext) {

    public RopeScaling {
        if (!(factor > 0) || !(lowFreqFactor > 0) || !(highFreqFactor > lowFreqFactor) || !(originalContext > 0)) {
            throw new IllegalArgumentException("invalid llama3 rope scaling " + factor + ", " + lowFreqFactor
                    + ", " + highFreqFactor + ", " + originalContext);
        }
    }

    /** Divisors for no scaling at all (Llama 3.0). */
    public static float[] none(int headDim) {
        float[] d = new float[headDim / 2];
        java.util.Arrays.fill(d, 1f);
        return d;
    }

    /** Per rotation pair, the number its frequency is divided by; computed in float32 as llama.cpp's converter does. */
    public float[] divisors(int headDim, double theta) {
        float[] out = new float[headDim / 2];
        double lowWavelength = originalContext / lowFreqFactor;
        double highWavelength = originalContext / highFreqFactor;
        for (int i = 0; i < out.length; i++) {
            double freq = 1.0 / Math.pow(theta, (2.0 * i) / headDim);
            double wavelength = 2 * Math.PI / freq;
            if (wavelength < highWavelength) {
                out[i] = 1f;
            } else if (wavelength > lowWavelength) {
                out[i] = (float) factor;
            } else {
                double smooth = (originalContext / wavelength - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                out[i] = (float) (1.0 / ((1 - smooth) / factor + smooth));
            }
        }
        return out;
    }
}
