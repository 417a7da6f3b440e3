package io.llama4j.kernel;

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
 * One layer's attention for one new token over a filled KV cache of 512, 8K and 32K positions, Llama 3.2 1B
 * shape (32 query heads, 8 KV heads, head size 64).
 * {@code java -jar jmh/target/llama4j-benchmarks.jar AttentionBenchmark -p position=8192}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class AttentionBenchmark {
    @Param({"512", "8192", "32768"})
    public int position;

    @Param({"2"})
    public int threads;

    private static final int HEADS = 32;
    private static final int KV_HEADS = 8;
    private static final int HEAD_DIM = 64;

    private Attention attention;
    private RowParallel parallel;
    private float[] q;
    private float[] keys;
    private float[] values;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        attention = new Attention(HEADS, KV_HEADS, HEAD_DIM);
        parallel = new RowParallel(threads);
        q = SyntheticWeights.activations(HEADS * HEAD_DIM, 1);
        keys = SyntheticWeights.activations((position + 1) * KV_HEADS * HEAD_DIM, 2);
        values = SyntheticWeights.activations((position + 1) * KV_HEADS * HEAD_DIM, 3);
        out = new float[HEADS * HEAD_DIM];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        parallel.close();
    }

    @Benchmark
    public float[] attend() {
        attention.attend(q, keys, values, position, 1, out, parallel);
        return out;
    }
}
