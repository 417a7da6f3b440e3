package io.llama4j.kernel;

/** A batch of input rows prepared in the format a weight matrix multiplies with. */
sealed interface Activations permits FloatActivations, Q8_0Activations, Q8KActivations, TokenPanels {

    /** Prepares {@code rows} rows of {@code length} floats from {@code x} for {@code format}. */
    static Activations prepare(float[] x, int rows, int length, ActivationFormat format) {
        return switch (format) {
            case F32, F16, BF16 -> FloatActivations.of(x, rows, length, format);
            case Q8_0 -> Q8_0Activations.quantize(x, rows, length);
            case Q8_K -> Q8KActivations.quantize(x, rows, length);
        };
    }
}
