package io.llama4j.format.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llama4j.Fixtures;
import io.llama4j.LlamaModel;
import io.llama4j.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LlamaModel#validateWeights()} passes the intact fixtures of every weight type and names the tensor
 * of a copy with one NaN or infinity written into it: into an element for float types, into a block's scale
 * for quantized ones. Loading itself does not look (it would read the whole file).
 */
class NonFiniteWeightsAreFoundByValidateWeights {
    private static final String TENSOR = "blk.0.attn_q.weight";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tiny-F32", "tiny-F16", "tiny-BF16", "tiny-Q8_0", "small-k-Q4_0", "small-k-Q4_K", "small-k-Q6_K"})
    void aNonFiniteWeightIsNamedAndTheIntactFileIsNot(String fixture) throws IOException {
        Path intact = Fixtures.gguf(fixture);
        try (LlamaModel model = LlamaModel.load(intact)) {
            assertDoesNotThrow(model::validateWeights);
        }
        byte[] bytes = Files.readAllBytes(intact);
        GgufLayout layout = new GgufLayout(bytes);
        GgufLayout.TensorInfo info = layout.byName.get(TENSOR);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int at = Math.toIntExact(layout.dataAt(TENSOR));
        // The second block (or element), so that a check reading only the first would miss it.
        String expected = switch (info.type()) {
            case 0 -> { b.putInt(at + 4, Float.floatToRawIntBits(Float.NaN)); yield "NaN at element 1"; }
            case 1 -> { b.putShort(at + 2, (short) 0x7c00); yield "Infinity at element 1"; }
            case 30 -> { b.putShort(at + 2, (short) 0xff80); yield "-Infinity at element 1"; }
            case 8 -> { b.putShort(at + 34, (short) 0x7e00); yield "NaN in the scale of block 1"; }
            case 2 -> { b.putShort(at + 18, (short) 0x7c00); yield "Infinity in the scale of block 1"; }
            case 12 -> { b.putShort(at + 144 + 2, (short) 0x7e00); yield "NaN in the minimum of block 1"; }
            case 14 -> { b.putShort(at + 210 + 208, (short) 0xfc00); yield "-Infinity in the scale of block 1"; }
            default -> throw new AssertionError(fixture + ": " + TENSOR + " has ggml type " + info.type()
                    + ", which this test does not corrupt yet");
        };
        Path broken = Files.write(dir.resolve(fixture + "-nonfinite.gguf"), bytes);
        try (LlamaModel model = LlamaModel.load(broken)) {
            ModelFormatException e = assertThrows(ModelFormatException.class, model::validateWeights);
            assertThat(e.getMessage()).contains(TENSOR).contains(expected);
        }
    }
}
