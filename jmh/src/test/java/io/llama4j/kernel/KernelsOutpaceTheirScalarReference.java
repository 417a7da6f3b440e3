package io.llama4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llama4j.spi.TensorType;
import java.lang.foreign.Arena;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The speed guard of the hot paths, run by {@code mvn test} (and so by {@code .ci/run}): for each weight type,
 * the vector kernel (the matrix's own {@code multiplyRows}, as the forward pass calls it, on one thread) must
 * stay at least a set factor faster than the plain scalar loop of the same block formulas
 * ({@link WeightMatrix#scalarDot}), measured side by side in the same JVM. It is a ratio, never an absolute
 * time, so it holds on any machine; and it is robust to a shared, noisy one: it times CPU time of this
 * thread (time slices lost to other processes do not count), alternates the two variants over several
 * trials and compares medians. The floors are about a third of the ratios measured on a 2-core AVX2 machine
 * (see {@link #cases}), so only a real regression (a kernel falling off the vector path, a lost
 * intrinsic, a per-block allocation) trips them. About 50 s idle (80 s on a loaded machine).
 */
class KernelsOutpaceTheirScalarReference {
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
    private static final int ROWS = 128;
    private static final int COLS = 2048;
    private static final int TRIALS = 7;
    private static final long WARMUP_NANOS = 300_000_000L;

    /** Type, input rows, and the least scalar/vector time ratio allowed. */
    static Stream<Arguments> cases() {
        // Floors: about a third of the ratio measured on a loaded 2-core AVX2 EPYC (in brackets).
        return Stream.of(
                Arguments.of(TensorType.F32, 1, 1.7),    // (5.2)
                Arguments.of(TensorType.BF16, 1, 1.8),   // (5.4)
                // F16 widens in integer lanes (HalfVectors); it was 0.6 with a scalar conversion per weight.
                Arguments.of(TensorType.F16, 1, 1.1),    // (3.3)
                Arguments.of(TensorType.F16, 16, 2.8),   // (8.4: four tokens per widened weight vector)
                // Q8_0 and Q4_0 decode: counted block-pair loops, Q4_0 with sign-flipped nibbles: 7.1 -> 9.5
                // and 10.6 -> 12.9 on a loaded machine (load average 6).
                Arguments.of(TensorType.Q8_0, 1, 2.8),   // (9.5)
                Arguments.of(TensorType.Q8_0, 16, 3.0),  // (9.5; 12.3 with 2-row x 16-token passes)
                // Q4_0 in 16-bit integer lanes and Q4_K's fused decode (nibbles straight into the products):
                // 6.3 -> 10.6, 3.8 -> 14.3 and 3.2 -> 4.3 on a loaded machine.
                Arguments.of(TensorType.Q4_0, 1, 4.0),   // (12.9)
                Arguments.of(TensorType.Q4_0, 16, 4.7),  // (14.3)
                // K-quant decode with sub-block sums scaled in int lanes (KQuantDots): Q4_K 4.3 -> 6.8-7.5,
                // Q5_K 13.0 -> 19.9, Q6_K 17.2 -> 24.7 (machine load ~8 on 2 cores; CPU time is robust to it).
                Arguments.of(TensorType.Q4_K, 1, 2.3),   // (7.0)
                Arguments.of(TensorType.Q4_K, 16, 2.9),  // (8.7)
                Arguments.of(TensorType.Q5_K, 1, 6.5),   // (19.9)
                Arguments.of(TensorType.Q6_K, 1, 8.0),   // (24.7)
                Arguments.of(TensorType.Q6_K, 16, 13.0)); // (38.8)
    }

    @Test
    void theGuardMeasuresTheVectorKernel() {
        assertTrue(VectorSupport.ENABLED, "the guard needs --add-modules jdk.incubator.vector (surefire argLine)");
    }

    @ParameterizedTest(name = "{0} x {1} input rows: vector >= {2}x scalar")
    @MethodSource("cases")
    void vectorKernelStaysAheadOfTheScalarLoop(TensorType type, int tokens, double floor) {
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix w = SyntheticWeights.matrix(arena, type, ROWS, COLS, 7);
            Activations x = Activations.prepare(SyntheticWeights.activations(tokens * COLS, 11), tokens, COLS, w.inputFormat());
            float[] vector = new float[tokens * ROWS];
            float[] scalar = new float[tokens * ROWS];
            Runnable fast = () -> w.multiplyRows(x, tokens, vector, 0, ROWS);
            Runnable reference = () -> {
                for (int t = 0; t < tokens; t++) {
                    for (int r = 0; r < ROWS; r++) {
                        scalar[t * ROWS + r] = w.scalarDot(r, x, t);
                    }
                }
            };
            double ratio = compare(fast, reference);
            for (int i = 0; i < vector.length; i++) {
                assertEquals(scalar[i], vector[i], 1e-4f * Math.max(1, Math.abs(scalar[i])), type + " output " + i);
            }
            System.out.printf("speed guard: %-5s x %2d rows: ratio %5.2f (floor %.1f)%n", type, tokens, ratio, floor);
            assertTrue(ratio >= floor, type + " with " + tokens + " input rows: the vector kernel is only " + String.format("%.2f", ratio)
                    + "x the scalar loop (floor " + floor + "x): a hot path has regressed");
        }
    }

    /**
     * The prefill GEMM over dequantized panels ({@link PanelGemm}) against its scalar reference, the same
     * dequantized spans times the same float inputs in plain loops: type, input rows, floor.
     */
    static Stream<Arguments> gemmCases() {
        // Floors: about a third of the ratio measured on a loaded 2-core AVX2 EPYC (in brackets).
        return Stream.of(
                Arguments.of(TensorType.Q8_0, 32, 5.5),  // (16.1-24.2)
                Arguments.of(TensorType.Q4_K, 32, 5.5),  // (17.1-19.6)
                Arguments.of(TensorType.Q6_K, 32, 5.0)); // (15.2-15.9: its span decode is two-step)
    }

    @ParameterizedTest(name = "{0} x {1} input rows, panel GEMM: vector >= {2}x scalar")
    @MethodSource("gemmCases")
    void panelGemmStaysAheadOfTheScalarLoop(TensorType type, int tokens, double floor) {
        try (Arena arena = Arena.ofConfined()) {
            WeightMatrix w = SyntheticWeights.matrix(arena, type, ROWS, COLS, 7);
            Activations prepared = Activations.prepare(SyntheticWeights.activations(tokens * COLS, 11), tokens, COLS, w.inputFormat());
            TokenPanels x = TokenPanels.of(prepared, tokens, COLS);
            float[] vector = new float[tokens * ROWS];
            float[] scalar = new float[tokens * ROWS];
            Runnable fast = () -> PanelGemm.multiply(w, x, vector, 0, ROWS);
            Runnable reference = () -> PanelGemm.scalarMultiply(w, x, scalar, 0, ROWS);
            double ratio = compare(fast, reference);
            for (int i = 0; i < vector.length; i++) {
                assertEquals(scalar[i], vector[i], 1e-4f * Math.max(1, Math.abs(scalar[i])), type + " output " + i);
            }
            System.out.printf("speed guard: %-5s x %2d rows, panel GEMM: ratio %5.2f (floor %.1f)%n", type, tokens, ratio, floor);
            assertTrue(ratio >= floor, type + " with " + tokens + " input rows: the panel GEMM is only " + String.format("%.2f", ratio)
                    + "x its scalar loop (floor " + floor + "x): a hot path has regressed");
        }
    }

    /** Warms both up, then alternates them over {@link #TRIALS} trials: the median scalar over median vector time. */
    private static double compare(Runnable fast, Runnable reference) {
        warmUp(fast);
        warmUp(reference);
        long[] fastNanos = new long[TRIALS];
        long[] referenceNanos = new long[TRIALS];
        for (int i = 0; i < TRIALS; i++) {
            // Alternate which goes first, so that drift hits both alike.
            if (i % 2 == 0) {
                fastNanos[i] = cpuNanos(fast);
                referenceNanos[i] = cpuNanos(reference);
            } else {
                referenceNanos[i] = cpuNanos(reference);
                fastNanos[i] = cpuNanos(fast);
            }
        }
        return (double) median(referenceNanos) / median(fastNanos);
    }

    /**
     * Runs {@code r} until it is compiled and steady: at least {@link #WARMUP_NANOS} of CPU time, then until
     * the best time of a call has not improved by more than 5% over the last 20 calls (at most 20 s).
     */
    private static void warmUp(Runnable r) {
        long start = CPU.getCurrentThreadCpuTime();
        long best = Long.MAX_VALUE;
        int sinceImproved = 0;
        while (true) {
            long t = cpuNanos(r);
            if (t < best * 0.95) {
                best = t;
                sinceImproved = 0;
            } else {
                sinceImproved++;
            }
            long spent = CPU.getCurrentThreadCpuTime() - start;
            if ((spent >= WARMUP_NANOS && sinceImproved >= 20) || spent > 20 * WARMUP_NANOS) {
                return;
            }
        }
    }

    private static long cpuNanos(Runnable r) {
        long start = CPU.getCurrentThreadCpuTime();
        r.run();
        return CPU.getCurrentThreadCpuTime() - start;
    }

    private static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
