package io.llama4j.kernel;

/** A batch of float input rows, optionally rounded to F16 or BF16 first. */
final class FloatActivations implements Activations {
    final float[] values;
    final int length;

    private FloatActivations(float[] values, int length) {
        this.values = values;
        this.length = length;
    }

    static FloatActivations of(float[] x, int rows, int length, ActivationFormat format) {
        float[] v = new float[rows * length];
        switch (format) {
            case F32 -> System.arraycopy(x, 0, v, 0, v.length);
            case F16 -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = Half.roundToF16(x[i]);
                }
            }
            case BF16 -> {
                for (int i = 0; i < v.length; i++) {
                    v[i] = Half.roundToBf16(x[i]);
                }
            }
            default -> throw new IllegalArgumentException(format.toString());
        }
        return new FloatActivations(v, length);
    }

    /** Offset of row {@code t} in {@link #values}. */
    int offset(int t) {
        return t * length;
    }
}
