package io.llama4j.kernel;

/** A batch of float input rows, optionally rounded to F16 or BF16 first. */
final class FloatActivations implements Activations {
    /** At least {@code rows * length} values; only the first {@code rows * length} are this input's. */
    float[] values;
    int length;

    private FloatActivations(int values) {
        this.values = new float[values];
    }

    static FloatActivations of(float[] x, int rows, int length, ActivationFormat format) {
        return of(x, rows, length, format, null);
    }

    /** As {@link #of(float[], int, int, ActivationFormat)}, rewriting {@code reuse} in place when it fits ({@link Activations#reusable}). */
    static FloatActivations of(float[] x, int rows, int length, ActivationFormat format, FloatActivations reuse) {
        int n = rows * length;
        FloatActivations a = reuse != null && Activations.reusable(reuse.values.length, n)
                ? reuse : new FloatActivations(n);
        a.length = length;
        float[] v = a.values;
        switch (format) {
            case F32 -> System.arraycopy(x, 0, v, 0, n);
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    v[i] = Half.roundToF16(x[i]);
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    v[i] = Half.roundToBf16(x[i]);
                }
            }
            default -> throw new IllegalArgumentException(format.toString());
        }
        return a;
    }

    /** Offset of row {@code t} in {@link #values}. */
    int offset(int t) {
        return t * length;
    }
}
