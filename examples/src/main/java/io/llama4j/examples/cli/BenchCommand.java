package io.llama4j.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llama4j.Generation;
import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.Sampler;
import io.llama4j.Session;
import io.llama4j.SessionOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code bench}: prompt-processing and decode speed on one model, measured as llama.cpp's bench measures
 * them. The prompt is the one {@code llamacpp-ref.mjs bench} evaluates (BOS, then
 * {@code 1000 + (i * 7919 % 120000)}), evaluated in one batch; then exactly {@code --gen-tokens} tokens are
 * evaluated one at a time (teacher-forced, so an end-of-text token cannot stop it early). Each run uses a
 * fresh session, so nothing is reused from the KV cache. {@code --warmup} runs first, unmeasured, so the
 * JIT has compiled the kernel (llama-bench also runs a warm-up pass); of {@code --reps} measured runs the
 * best prefill and the best decode speed are reported, as {@code llamacpp-ref.mjs bench} reports them.
 */
final class BenchCommand {
    static final String USAGE = """
            usage: bench --model PATH|URI [--prompt-tokens N] [--gen-tokens N] [--threads N]
                         [--warmup N] [--reps N] [--executor java|onnx] [--json] [--verbose]
                   (defaults: 128 prompt tokens, 64 generated, threads = available cores, 1 warm-up, 1 rep)""";

    private static final Set<String> VALUED = Set.of("--model", "--prompt-tokens", "--gen-tokens", "--threads",
            "--warmup", "--reps", "--executor");
    private static final Set<String> SWITCHES = Set.of("--json", "--verbose");

    private BenchCommand() {
    }

    static Flags parse(String[] args) {
        return Flags.parse("bench", args, 1, VALUED, SWITCHES);
    }

    /** One measured run: what the session reported. */
    private record Run(double prefillTokensPerSecond, double decodeTokensPerSecond, double wallMs) {
    }

    static void run(Flags flags, PrintStream out, PrintStream err) {
        Path modelPath = ModelLocation.resolve("bench", flags.string("--model"), err);
        int promptTokens = atLeast(flags, "--prompt-tokens", 128, 1);
        int genTokens = atLeast(flags, "--gen-tokens", 64, 1);
        int threads = atLeast(flags, "--threads", Runtime.getRuntime().availableProcessors(), 1);
        int warmup = atLeast(flags, "--warmup", 1, 0);
        int reps = atLeast(flags, "--reps", 1, 1);

        long loadStart = System.nanoTime();
        LoadOptions load = LoadOptions.defaults().withThreads(threads).withExecutor(flags.string("--executor"));
        try (LlamaModel model = LlamaModel.load(modelPath, load)) {
            double loadMs = (System.nanoTime() - loadStart) / 1e6;
            err.printf("llama4j: loaded %s (%s executor, %d threads) in %.0f ms%n",
                    modelPath.getFileName(), model.executorName(), threads, loadMs);
            int vocabulary = model.spec().vocabularySize();
            int[] prompt = prompt(promptTokens, model.spec().bosToken(), vocabulary);
            int[] forced = new int[genTokens + 1];
            for (int i = 0; i < forced.length; i++) {
                forced[i] = promptTokens > 1 ? prompt[1 + i % (promptTokens - 1)] : prompt[0];
            }
            // maxTokens = genTokens + 1: the last generated token is sampled but never evaluated, so this
            // evaluates exactly genTokens tokens one at a time, as llama.cpp's bench does.
            GenerationOptions options = GenerationOptions.builder()
                    .maxTokens(genTokens + 1)
                    .sampler(Sampler.greedy())
                    .forcedTokens(forced)
                    .seed(0)
                    .build();
            SessionOptions context = SessionOptions.defaults().withContextLength(promptTokens + genTokens + 2);
            for (int i = 0; i < warmup; i++) {
                once(model, context, prompt, options);
                err.printf("llama4j: warm-up %d/%d done%n", i + 1, warmup);
            }
            List<Run> runs = new ArrayList<>();
            for (int i = 0; i < reps; i++) {
                Run r = once(model, context, prompt, options);
                runs.add(r);
                err.printf("llama4j: run %d/%d: prefill %.2f tokens/s, decode %.2f tokens/s%n",
                        i + 1, reps, r.prefillTokensPerSecond(), r.decodeTokensPerSecond());
            }
            double prefill = runs.stream().mapToDouble(Run::prefillTokensPerSecond).max().orElse(0);
            double decode = runs.stream().mapToDouble(Run::decodeTokensPerSecond).max().orElse(0);
            if (flags.has("--json")) {
                out.println(toJson(prefill, decode, promptTokens, genTokens, threads, warmup, loadMs, runs));
            } else {
                out.printf("prompt %d tokens: %.2f tokens/s   decode %d tokens: %.2f tokens/s   (%d threads, best of %d)%n",
                        promptTokens, prefill, genTokens, decode, threads, reps);
            }
        }
    }

    private static Run once(LlamaModel model, SessionOptions context, int[] prompt, GenerationOptions options) {
        long start = System.nanoTime();
        try (Session session = model.newSession(context)) {
            Generation g = session.generate(prompt, options, piece -> { });
            return new Run(g.prefillTokensPerSecond(), g.decodeTokensPerSecond(), (System.nanoTime() - start) / 1e6);
        }
    }

    /** llama.cpp's bench prompt: BOS, then {@code 1000 + (i * 7919 % 120000)} (kept inside the vocabulary). */
    static int[] prompt(int tokens, int bos, int vocabulary) {
        int[] ids = new int[tokens];
        ids[0] = bos >= 0 ? bos : 128000 % vocabulary;
        for (int i = 1; i < tokens; i++) {
            ids[i] = (1000 + (i * 7919) % 120000) % vocabulary;
        }
        return ids;
    }

    private static int atLeast(Flags flags, String flag, int fallback, int min) {
        int v = flags.integer(flag, fallback);
        if (v < min) {
            throw new UsageException("bench: " + flag + " must be at least " + min + ", got " + v);
        }
        return v;
    }

    private static String toJson(double prefill, double decode, int promptTokens, int genTokens, int threads,
                                 int warmup, double loadMs, List<Run> runs) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.put("prefill_tokens_per_s", prefill);
        root.put("decode_tokens_per_s", decode);
        root.put("prompt_tokens", promptTokens);
        root.put("gen_tokens", genTokens);
        root.put("threads", threads);
        root.put("warmup", warmup);
        root.put("load_ms", loadMs);
        ArrayNode list = root.putArray("runs");
        for (Run r : runs) {
            list.addObject().put("prefill_tokens_per_s", r.prefillTokensPerSecond())
                    .put("decode_tokens_per_s", r.decodeTokensPerSecond()).put("wall_ms", r.wallMs());
        }
        return root.toString();
    }
}
