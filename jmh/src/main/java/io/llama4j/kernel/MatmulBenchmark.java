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
 * One projection of a Llama-3.2-1B-sized layer (2048 x 2048) per weight type: a decode step (1 token) and a
 * prefill batch (32 tokens), activation quantization included, on the kernel's worker threads.
 * {@code java -jar jmh/target/llama4j-benchmarks.jar MatmulBenchmark -p type=Q8_0}
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

    @Param({"2"})
    public int threads;

    private static final int ROWS = 2048;
    private static final int COLS = 2048;

    private Arena arena;
    private WeightMatrix matrix;
    private RowParallel parallel;
    private float[] input;
    private float[] output;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        matrix = SyntheticWeights.matrix(arena, TensorType.valueOf(type), ROWS, COLS, 1);
        parallel = new RowParallel(threads);
        input = SyntheticWeights.activations(tokens * COLS, 2);
        output = new float[tokens * ROWS];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
        arena.close();
    }

    @Benchmark
    public float[] multiply() {
        new MatrixInput(input, tokens, COLS).multiply(matrix, output, parallel);
        return output;
    }
}
