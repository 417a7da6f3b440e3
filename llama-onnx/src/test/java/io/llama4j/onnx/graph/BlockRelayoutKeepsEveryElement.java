package io.llama4j.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The 8-bytes-at-a-time re-layout puts every element of random ggml blocks where MatMulNBits reads it,
 * checked element by element against the two layouts as the reference sheet states them (ggml Q4_0: byte j
 * holds element j low and j+16 high; MatMulNBits: byte i holds element 2i low and 2i+1 high; Q8_0: q + 128).
 */
class BlockRelayoutKeepsEveryElement {
    @Test
    void q4_0ElementsLandWhereMatMulNBitsReadsThem() {
        int count = 1000;
        ByteBuffer src = random(count * BlockRelayout.Q4_0_BYTES, 1);
        ByteBuffer packed = ByteBuffer.allocate(count * 16).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer scales = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
        BlockRelayout.q4_0(src, count, packed, scales, Precision.FP32);
        for (int b = 0; b < count; b++) {
            int at = b * BlockRelayout.Q4_0_BYTES;
            assertEquals(Float.float16ToFloat(src.getShort(at)), scales.getFloat(4 * b), 0f);
            for (int e = 0; e < 32; e++) {
                int q = e < 16 ? src.get(at + 2 + e) & 0xF : (src.get(at + 2 + e - 16) >> 4) & 0xF;
                int stored = packed.get(16 * b + e / 2);
                int got = e % 2 == 0 ? stored & 0xF : (stored >> 4) & 0xF;
                assertEquals(q, got, "block " + b + " element " + e);
            }
        }
    }

    @Test
    void q8_0ElementsAreOffsetBy128AndScalesStayFp16() {
        int count = 500;
        ByteBuffer src = random(count * BlockRelayout.Q8_0_BYTES, 2);
        ByteBuffer packed = ByteBuffer.allocate(count * 32).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer scales = ByteBuffer.allocate(count * 2).order(ByteOrder.LITTLE_ENDIAN);
        BlockRelayout.q8_0(src, count, packed, scales, Precision.FP16);
        for (int b = 0; b < count; b++) {
            int at = b * BlockRelayout.Q8_0_BYTES;
            assertEquals(src.getShort(at), scales.getShort(2 * b));
            for (int e = 0; e < 32; e++) {
                assertEquals(src.get(at + 2 + e) + 128, Byte.toUnsignedInt(packed.get(32 * b + e)), "block " + b + " element " + e);
            }
        }
    }

    private static ByteBuffer random(int bytes, long seed) {
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }
}
