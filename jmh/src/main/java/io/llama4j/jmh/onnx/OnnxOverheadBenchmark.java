package io.llama4j.jmh.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.llama4j.onnx.OnnxExecutorProvider;
import io.llama4j.onnx.OnnxFolderFormat;
import io.llama4j.spi.Executor;
import io.llama4j.spi.ExecutorOptions;
import io.llama4j.spi.InferenceState;
import io.llama4j.spi.OpenedModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

/**
 * Per-token cost of llama-onnx's executor ({@code OnnxExecutorProvider} → {@link InferenceState#forward})
 * against a bare ONNX Runtime loop on the same graph doing the same work: decode steps of one token each,
 * {@code present.*} fed back as {@code past_key_values.*} without leaving native memory, the all-ones
 * {@code attention_mask} and the {@code position_ids} built per step, the last position's logits read into a
 * fresh {@code float[]} (what a sampler needs, and what {@code forward} returns).
 *
 * <p>The bare loop is the leanest reasonable ORT code: direct native-order buffers allocated once and
 * wrapped (no copy), a pinned logits output reused across steps, no validation. Both sessions are opened
 * with the same options (CPU, {@code threads} intra-op threads, all graph optimizations) in the same JVM.
 *
 * <p>One invocation = {@link #STEPS} decode steps after an 8-token prompt; the prompt is fed in a per-invocation
 * setup (not timed), so the score is the mean time of a decode step at positions 8..8+STEPS-1, in ms/token.
 *
 * <p>{@code bareOrt} and {@code executor} are plain JMH scores, but JMH runs them one after the other, so on a
 * machine whose load drifts they see different conditions. {@code paired} runs both in every invocation,
 * back to back (the order alternating), times each block of {@link #STEPS} steps with {@code nanoTime}, and
 * with {@code -Dllama4j.pairs=FILE} appends one line per measured invocation: threads, bare and executor
 * ms/token of wall time, then of the benchmark thread's CPU time (all of the work when {@code threads=1}). {@code jmh/compare-onnx-overhead.sh} runs that over several forks and prints the medians
 * and their ratio.
 *
 * <pre>java -jar jmh/target/llama4j-benchmarks.jar OnnxOverhead -p model=../shared/data/models-onnx/tiny</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 20, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector"})
public class OnnxOverheadBenchmark {
    /** Decode steps per invocation. */
    public static final int STEPS = 32;
    private static final int[] PROMPT = {128000, 791, 6864, 315, 9822, 374, 12366, 13};

    /** An ONNX model folder (HF optimum decoder-with-past layout). */
    @Param({"../shared/data/models-onnx/tiny"})
    public String model;

    @Param({"2"})
    public int threads;

    private int[] decodeTokens;

    private OpenedModel opened;
    private Executor executor;
    private InferenceState state;

    private Bare bare;

    @Setup(Level.Trial)
    public void open() throws OrtException {
        Path folder = Path.of(model);
        // -Dllama4j.bareSessionFirst=true opens the bare loop's session first: a control for session placement.
        if (Boolean.getBoolean("llama4j.bareSessionFirst")) {
            bare = new Bare(OrtEnvironment.getEnvironment(), folder.resolve("model.onnx"), threads,
                    PROMPT.length + STEPS + 8);
        }
        opened = new OnnxFolderFormat().open(folder);
        executor = new OnnxExecutorProvider().open(opened.source(),
                new ExecutorOptions(threads, Map.of("onnx.provider", "cpu")));
        state = executor.newState(PROMPT.length + STEPS + 8);
        if (bare == null) {
            bare = new Bare(OrtEnvironment.getEnvironment(), folder.resolve("model.onnx"), threads,
                    PROMPT.length + STEPS + 8);
        }
        int vocabulary = opened.source().spec().vocabularySize();
        decodeTokens = new int[STEPS];
        for (int i = 0; i < STEPS; i++) {
            decodeTokens[i] = (int) ((1000L + 7919L * i) % vocabulary);
        }
        checkSameWork();
    }

    /** Both loops must produce the same logits at every step, else they are not doing the same work. */
    private void checkSameWork() throws OrtException {
        float[] a = state.forward(PROMPT, 0);
        float[] b = bare.prefill(PROMPT);
        float worst = maxDiff(a, b);
        for (int i = 0; i < STEPS; i++) {
            a = state.forward(new int[] {decodeTokens[i]}, PROMPT.length + i);
            b = bare.step(decodeTokens[i], PROMPT.length + i);
            worst = Math.max(worst, maxDiff(a, b));
        }
        if (!(worst <= 1e-4f)) {
            throw new IllegalStateException("the executor and the bare loop disagree: max |logit diff| " + worst);
        }
    }

    private static float maxDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Float.POSITIVE_INFINITY;
        }
        float worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    /** Back to the state right after the prompt, untimed (an invocation lasts ~100 ms, so this is safe). */
    @Setup(Level.Invocation)
    public void prompt() throws OrtException {
        state.forward(PROMPT, 0);
        bare.prefill(PROMPT);
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public void bareOrt(Blackhole bh) throws OrtException {
        for (int i = 0; i < STEPS; i++) {
            bh.consume(bare.step(decodeTokens[i], PROMPT.length + i));
        }
    }

    @Benchmark
    @OperationsPerInvocation(STEPS)
    public void executor(Blackhole bh) {
        int[] token = new int[1];
        for (int i = 0; i < STEPS; i++) {
            token[0] = decodeTokens[i];
            bh.consume(state.forward(token, PROMPT.length + i));
        }
    }

    /**
     * CPU time of the benchmark thread: with {@code threads=1} ORT runs the graph on the calling thread, so this
     * counts all the work of a step and none of the time the thread waited for a CPU on a busy machine.
     */
    private static final java.lang.management.ThreadMXBean THREAD_CPU = java.lang.management.ManagementFactory.getThreadMXBean();
    private boolean measuring;
    private long invocations;
    private final StringBuilder pairs = new StringBuilder();

    @Setup(Level.Iteration)
    public void iteration(IterationParams params) {
        measuring = params.getType() == IterationType.MEASUREMENT;
    }

    @Benchmark
    @OperationsPerInvocation(2 * STEPS)
    public void paired(Blackhole bh) throws OrtException {
        boolean bareFirst = (invocations++ & 1) == 0;
        long bareNanos = 0;
        long executorNanos = 0;
        long bareCpu = 0;
        long executorCpu = 0;
        for (int pass = 0; pass < 2; pass++) {
            long cpu = THREAD_CPU.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            if (bareFirst == (pass == 0)) {
                bareOrt(bh);
                bareNanos = System.nanoTime() - start;
                bareCpu = THREAD_CPU.getCurrentThreadCpuTime() - cpu;
            } else {
                executor(bh);
                executorNanos = System.nanoTime() - start;
                executorCpu = THREAD_CPU.getCurrentThreadCpuTime() - cpu;
            }
        }
        if (measuring) {
            pairs.append(threads).append(' ').append(bareNanos / 1e6 / STEPS).append(' ')
                    .append(executorNanos / 1e6 / STEPS).append(' ').append(bareCpu / 1e6 / STEPS).append(' ')
                    .append(executorCpu / 1e6 / STEPS).append('\n');
        }
    }

    @TearDown(Level.Trial)
    public void close() throws OrtException {
        String file = System.getProperty("llama4j.pairs");
        if (file != null && !pairs.isEmpty()) {
            try {
                Files.writeString(Path.of(file), pairs, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        state.close();
        executor.close();
        opened.close();
        bare.close();
    }

    /** The bare ONNX Runtime decode loop. */
    static final class Bare implements AutoCloseable {
        private final OrtEnvironment env;
        private final OrtSession session;
        private final List<String> pastNames = new ArrayList<>();
        private final List<String> presentNames = new ArrayList<>();
        private final Set<String> requested;
        private final Map<String, OnnxTensor> emptyPast = new HashMap<>();
        private final int vocabulary;
        private final LongBuffer ids;
        private final LongBuffer positions;
        private final LongBuffer ones;
        private final OnnxTensor pinnedLogits;
        private final FloatBuffer pinnedLogitsView;
        private final Map<String, OnnxTensorLike> inputs = new HashMap<>();
        private final Map<String, OnnxValue> pinned;
        private OrtSession.Result held;

        Bare(OrtEnvironment env, Path graph, int threads, int maxLength) throws OrtException {
            this.env = env;
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(threads);
                options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                session = env.createSession(graph.toString(), options);
            }
            Map<String, NodeInfo> in = session.getInputInfo();
            for (int layer = 0; in.containsKey("past_key_values." + layer + ".key"); layer++) {
                for (String kind : new String[] {"key", "value"}) {
                    String past = "past_key_values." + layer + "." + kind;
                    pastNames.add(past);
                    presentNames.add("present." + layer + "." + kind);
                    long[] shape = ((TensorInfo) in.get(past).getInfo()).getShape(); // [batch, kv heads, past, head dim]
                    emptyPast.put(past, OnnxTensor.createTensor(env, direct(0).asFloatBuffer(),
                            new long[] {1, shape[1], 0, shape[3]}));
                }
            }
            requested = new LinkedHashSet<>(presentNames);
            long[] logitsShape = ((TensorInfo) session.getOutputInfo().get("logits").getInfo()).getShape();
            vocabulary = Math.toIntExact(logitsShape[2]);
            ids = direct(8L * maxLength).asLongBuffer();
            positions = direct(8L * maxLength).asLongBuffer();
            ones = direct(8L * maxLength).asLongBuffer();
            for (int i = 0; i < maxLength; i++) {
                ones.put(i, 1);
            }
            ByteBuffer logitsBytes = direct(4L * vocabulary);
            pinnedLogitsView = logitsBytes.asFloatBuffer();
            pinnedLogits = OnnxTensor.createTensor(env, pinnedLogitsView, new long[] {1, 1, vocabulary});
            pinned = Map.of("logits", pinnedLogits);
        }

        private static ByteBuffer direct(long bytes) {
            return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
        }

        /** Feeds the prompt from position 0 (dropping the cache); returns the last position's logits. */
        float[] prefill(int[] prompt) throws OrtException {
            release();
            int n = prompt.length;
            for (int i = 0; i < n; i++) {
                ids.put(i, prompt[i]);
                positions.put(i, i);
            }
            try (OnnxTensor idTensor = OnnxTensor.createTensor(env, ids.slice(0, n), new long[] {1, n});
                 OnnxTensor mask = OnnxTensor.createTensor(env, ones.slice(0, n), new long[] {1, n});
                 OnnxTensor pos = OnnxTensor.createTensor(env, positions.slice(0, n), new long[] {1, n})) {
                inputs.put("input_ids", idTensor);
                inputs.put("attention_mask", mask);
                inputs.put("position_ids", pos);
                inputs.putAll(emptyPast);
                Set<String> outputs = new LinkedHashSet<>(requested);
                outputs.add("logits");
                held = session.run(inputs, outputs);
                FloatBuffer all = ((OnnxTensor) held.get("logits").orElseThrow()).getFloatBuffer();
                float[] out = new float[vocabulary];
                all.get((n - 1) * vocabulary, out);
                return out;
            }
        }

        /** One decode step: {@code token} at {@code position}, the cache holding positions 0..position-1. */
        float[] step(int token, int position) throws OrtException {
            int total = position + 1;
            ids.put(0, token);
            positions.put(0, position);
            try (OnnxTensor idTensor = OnnxTensor.createTensor(env, ids.slice(0, 1), new long[] {1, 1});
                 OnnxTensor mask = OnnxTensor.createTensor(env, ones.slice(0, total), new long[] {1, total});
                 OnnxTensor pos = OnnxTensor.createTensor(env, positions.slice(0, 1), new long[] {1, 1})) {
                inputs.put("input_ids", idTensor);
                inputs.put("attention_mask", mask);
                inputs.put("position_ids", pos);
                for (int i = 0; i < pastNames.size(); i++) {
                    inputs.put(pastNames.get(i), (OnnxTensor) held.get(presentNames.get(i)).orElseThrow());
                }
                OrtSession.Result next = session.run(inputs, requested, pinned);
                held.close();
                held = next;
                float[] out = new float[vocabulary];
                pinnedLogitsView.get(0, out);
                return out;
            }
        }

        private void release() {
            if (held != null) {
                held.close();
                held = null;
            }
        }

        @Override
        public void close() throws OrtException {
            release();
            pinnedLogits.close();
            emptyPast.values().forEach(OnnxTensor::close);
            session.close();
        }
    }
}
