package io.llama4j.examples.cli;

import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.Sampler;
import io.llama4j.Session;
import io.llama4j.SessionOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** {@code chat}: load a model, then hold a conversation with it over stdin and stdout ({@link ChatRepl}). */
final class ChatCommand {
    static final String USAGE = """
            usage: chat [--model PATH|URI] [--system TEXT] [--max-tokens N] %s
                        [--seed S] [--threads N] [--context N] [--executor java|onnx] [--verbose]
              One user message per line on stdin; each reply streams to stdout. Lines starting with / are commands:
              /reset (forget the conversation), /system TEXT (new system prompt, new conversation), /history, /help,
              /exit. Without --model: the demo model Llama-Fortunes-demo (tiny, trained on fortune cookies)."""
            .formatted(SamplingFlags.USAGE);

    private static final Set<String> VALUED = valued();
    private static final Set<String> SWITCHES = Set.of("--verbose");

    private ChatCommand() {
    }

    private static Set<String> valued() {
        Set<String> valued = new HashSet<>(Set.of("--model", "--system", "--max-tokens", "--seed", "--threads",
                "--context", "--executor"));
        valued.addAll(SamplingFlags.VALUED);
        return Set.copyOf(valued);
    }

    static Flags parse(String[] args) {
        return Flags.parse("chat", args, 1, VALUED, SWITCHES);
    }

    static void run(Flags flags, BufferedReader in, PrintStream out, PrintStream err) throws IOException {
        LoadProgressBar progress = new LoadProgressBar(err, System.console() != null);
        Path modelPath = ModelLocation.resolve("chat", flags.string("--model"), err, progress);
        int threads = flags.integer("--threads", Runtime.getRuntime().availableProcessors());
        if (threads < 1) {
            throw new UsageException("chat: --threads must be at least 1");
        }
        int maxTokens = flags.integer("--max-tokens", 1024);
        if (maxTokens < 1) {
            throw new UsageException("chat: --max-tokens must be at least 1");
        }
        int context = flags.integer("--context", 0);
        if (context < 0) {
            throw new UsageException("chat: --context must be at least 1 (or 0 to size it from the heap)");
        }
        Sampler sampler = SamplingFlags.sampler("chat", flags);
        long seed = flags.longValue("--seed", System.nanoTime());

        LoadOptions load = LoadOptions.defaults().withThreads(threads).withExecutor(flags.string("--executor"));
        SessionOptions sessionOptions = context > 0 ? SessionOptions.defaults().withContextLength(context) : SessionOptions.defaults();
        try (LlamaModel model = progress.load(modelPath, load); Session session = model.newSession(sessionOptions)) {
            err.printf("llama4j: loaded %s (%s executor, %d threads, %d tokens of context); /help for commands%n",
                    modelPath.getFileName(), model.executorName(), threads, session.contextLength());
            GenerationOptions options = GenerationOptions.builder()
                    .maxTokens(maxTokens)
                    .sampler(sampler != null ? sampler : model.defaultSampler())
                    .seed(seed)
                    .build();
            new ChatRepl(session, options, flags.string("--system"), out, err, System.console() != null).run(in);
        }
    }
}
