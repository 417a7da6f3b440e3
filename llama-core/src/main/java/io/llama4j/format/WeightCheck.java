package io.llama4j.format;

import io.llama4j.ModelFormatException;
import io.llama4j.spi.ModelWeights;
import io.llama4j.spi.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Finds NaN and infinite values in weights: every element of F32, F16 and BF16 tensors, and the scales of
 * the block types the Java kernel runs (Q8_0, Q4_0, Q4_K, Q5_K, Q6_K), whose quantized values are small
 * integers and cannot be non-finite themselves. Other types are not inspected. A non-finite weight is the
 * usual sign of a broken conversion or a damaged download; without this check it shows only as NaN logits.
 *
 * <pre>{@code
 * try (GgufFile file = GgufFile.open(Path.of("model.gguf"))) {
 *     WeightCheck.requireFinite(file.path(), file);   // names the first tensor holding NaN or infinity
 * }
 * }</pre>
 */
public final class WeightCheck {
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int F32_EXPONENT = 0x7f80_0000;
    private static final int F16_EXPONENT = 0x7c00;
    private static final int BF16_EXPONENT = 0x7f80;

    private WeightCheck() {
    }

    /** Throws a {@link ModelFormatException} naming the first tensor of {@code weights} holding NaN or infinity. */
    public static void requireFinite(Path file, ModelWeights weights) {
        for (String name : weights.names()) {
            Tensor t = weights.find(name).orElseThrow();
            String problem = firstNonFinite(t);
            if (problem != null) {
                throw new ModelFormatException(file, "tensor " + t.name() + " (" + t.type() + ") " + problem);
            }
        }
    }

    /** What is non-finite in {@code t} (e.g. "holds NaN at element 17"), or null when all is finite. */
    static String firstNonFinite(Tensor t) {
        MemorySegment d = t.data();
        return switch (t.type()) {
            case F32 -> {
                for (long i = 0; i < d.byteSize() / 4; i++) {
                    int bits = d.get(INT, 4 * i);
                    if ((bits & F32_EXPONENT) == F32_EXPONENT) {
                        yield "holds " + Float.intBitsToFloat(bits) + " at element " + i;
                    }
                }
                yield null;
            }
            case F16 -> halves(d, 0, 2, F16_EXPONENT, "at element");
            case BF16 -> halves(d, 0, 2, BF16_EXPONENT, "at element");
            case Q8_0, Q4_0 -> halves(d, 0, t.type().bytesPerBlock(), F16_EXPONENT, "in the scale of block");
            case Q4_K, Q5_K -> {
                String scale = halves(d, 0, t.type().bytesPerBlock(), F16_EXPONENT, "in the scale of block");
                yield scale != null ? scale : halves(d, 2, t.type().bytesPerBlock(), F16_EXPONENT, "in the minimum of block");
            }
            case Q6_K -> halves(d, 208, t.type().bytesPerBlock(), F16_EXPONENT, "in the scale of block");
            default -> null;
        };
    }

    /** Checks the 16-bit floats at {@code first}, {@code first + stride}, ... for an all-ones exponent. */
    private static String halves(MemorySegment d, long first, long stride, int exponent, String what) {
        for (long at = first, i = 0; at + 2 <= d.byteSize(); at += stride, i++) {
            short bits = d.get(SHORT, at);
            if ((bits & exponent) == exponent) {
                boolean nan = (bits & ~exponent & 0x7fff) != 0;
                return "holds " + (nan ? "NaN" : bits < 0 ? "-Infinity" : "Infinity") + " " + what + " " + i;
            }
        }
        return null;
    }
}
