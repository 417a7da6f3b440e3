package io.llama4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The vector widening of binary16 gives {@link Float#float16ToFloat} for every one of the 65,536 bit patterns. */
class HalfVectorsWidenEveryHalfExactly {

    @Test
    void everyBitPatternWidensLikeTheJdk() {
        short[] all = new short[1 << 16];
        for (int i = 0; i < all.length; i++) {
            all[i] = (short) i;
        }
        int lanes = 16;
        float[] out = new float[all.length];
        // addScaled with weight 1 onto zeros writes each widened value; dot with a one-hot vector reads one lane.
        HalfVectors.addScaled(out, 0, 1f, all, 0, all.length);
        for (int i = 0; i < all.length; i++) {
            float expected = Float.float16ToFloat(all[i]);
            if (Float.isNaN(expected)) {
                assertEquals(true, Float.isNaN(out[i]), "bits " + Integer.toHexString(i));
            } else {
                assertEquals(Float.floatToRawIntBits(expected + 0f), Float.floatToRawIntBits(out[i]),
                        "bits " + Integer.toHexString(i));
            }
        }
        float[] oneHot = new float[lanes];
        for (int i = 0; i < all.length; i += 997) {
            int base = Math.min(i, all.length - lanes);
            java.util.Arrays.fill(oneHot, 0f);
            oneHot[i - base] = 1f;
            boolean finite = true;
            for (int j = base; j < base + lanes; j++) {
                finite &= Float.isFinite(Float.float16ToFloat(all[j]));
            }
            if (finite) {  // 0 * infinity would be NaN in the other lanes
                assertEquals(Float.float16ToFloat(all[i]), HalfVectors.dot(oneHot, 0, all, base, lanes), 0f,
                        "bits " + Integer.toHexString(i));
            }
        }
    }
}
