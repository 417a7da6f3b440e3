package io.llama4j.kernel;

/** Conversions between float32 and the 16-bit float formats, rounding as ggml rounds. */
final class Half {
    private Half() {
    }

    static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** Round to the nearest binary16 value (ties to even), as F16C's {@code vcvtps2ph} does. */
    static float roundToF16(float x) {
        return Float.float16ToFloat(Float.floatToFloat16(x));
    }

    static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /** ggml's {@code GGML_FP32_TO_BF16}: round to nearest even, NaN kept quiet. */
    static short floatToBf16(float x) {
        int u = Float.floatToRawIntBits(x);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    static float roundToBf16(float x) {
        return bf16ToFloat(floatToBf16(x));
    }
}
