package io.llama4j.kernel;

/** A batch of input rows prepared in the format a weight matrix multiplies with. */
sealed interface Activations permits FloatActivations, Q8_0Activations, Q8KActivations, TokenPanels {

    /** Prepares {@code rows} rows of {@code length} floats from {@code x} for {@code format}. */
    static Activations prepare(float[] x, int rows, int length, ActivationFormat format) {
        return prepare(x, rows, length, format, null);
    }

    /**
     * As {@link #prepare(float[], int, int, ActivationFormat)}, rewriting {@code reuse} (an earlier result for
     * the same format, or null) in place when its arrays fit, so that repeated decode steps allocate nothing.
     */
    static Activations prepare(float[] x, int rows, int length, ActivationFormat format, Activations reuse) {
        return switch (format) {
            case F32, F16, BF16 -> FloatActivations.of(x, rows, length, format,
                    reuse instanceof FloatActivations f ? f : null);
            case Q8_0 -> Q8_0Activations.quantize(x, rows, length, reuse instanceof Q8_0Activations q ? q : null);
            case Q8_K -> Q8KActivations.quantize(x, rows, length, reuse instanceof Q8KActivations q ? q : null);
        };
    }

    /**
     * Whether arrays of {@code capacity} elements may be rewritten for {@code needed} values: they must hold
     * them and be at most four times larger, so that a prefill batch's arrays are let go at the next decode step.
     */
    static boolean reusable(int capacity, int needed) {
        return capacity >= needed && capacity <= 4 * needed;
    }
}
