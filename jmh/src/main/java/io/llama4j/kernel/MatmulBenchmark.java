package io.llama4j.kernel;

import io.llama4j.spi.TensorType;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One feed-forward projection (gate or up: ffnDim rows x dim columns, the largest matrices of a layer) per
 * weight type at Llama 3.2 1B shape (8192 x 2048) and Llama 3.1 8B shape (14336 x 4096): a decode step
 * (1 token) and a prefill batch (32 tokens), activation quantization included, on the kernel's worker
 * threads. {@code java -jar jmh/target/llama4j-benchmarks.jar MatmulBenchmark -p type=Q8_0 -p shape=1B}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class MatmulBenchmark {
    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q5_K", "Q6_K"})
    public String type;

    @Param({"1", "32"})
    public int tokens;

    /** {@code 1B}: 8192 x 2048; {@code 8B}: 14336 x 4096. */
    @Param({"1B", "8B"})
    public String shape;

    @Param({"2"})
    public int threads;

    private int rows;
    private int cols;

    private Arena arena;
    private WeightMatrix matrix;
    private RowParallel parallel;
    private float[] input;
    private float[] output;

    @Setup(Level.Trial)
    public void setUp() {
        switch (shape) {
            case "1B" -> {
                rows = 8192;
                cols = 2048;
            }
            case "8B" -> {
                rows = 14336;
                cols = 4096;
            }
            default -> throw new IllegalArgumentException("shape must be 1B or 8B, got " + shape);
        }
        arena = Arena.ofShared();
        matrix = SyntheticWeights.matrix(arena, TensorType.valueOf(type), rows, cols, 1);
        parallel = new RowParallel(threads);
        input = SyntheticWeights.activations(tokens * cols, 2);
        output = new float[tokens * rows];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
        arena.close();
    }

    @Benchmark
    public float[] multiply() {
        new MatrixInput(input, tokens, cols).multiply(matrix, output, parallel);
        return output;
    }
}
