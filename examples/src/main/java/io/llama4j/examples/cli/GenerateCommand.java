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
import io.llama4j.TokenLogit;
import io.llama4j.structured.JsonSchema;
import io.llama4j.structured.JsonSchemaException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** {@code generate}: load a model, run one prompt, stream the text or print one JSON object. */
final class GenerateCommand {
    static final String USAGE = """
            usage: generate --model PATH|URI (--prompt TEXT | --prompt-ids 1,2,3) [--max-tokens N]
                            [--temperature T] [--top-k K] [--top-p P] [--min-p P] [--repeat-penalty R]
                            [--stop TEXT]... [--seed S] [--threads N]
                            [--executor java|onnx] [--top-logits K] [--forced-ids 4,5,6]
                            [--json-schema FILE] [--json] [--verbose]""";

    private static final Set<String> VALUED = Set.of("--model", "--prompt", "--prompt-ids", "--max-tokens",
            "--temperature", "--top-k", "--top-p", "--min-p", "--repeat-penalty", "--stop", "--seed", "--threads", "--executor", "--top-logits", "--forced-ids",
            "--json-schema");
    private static final Set<String> SWITCHES = Set.of("--json", "--verbose");

    private GenerateCommand() {
    }

    static Flags parse(String[] args) {
        return Flags.parse("generate", args, 1, VALUED, SWITCHES);
    }

    static void run(Flags flags, PrintStream out, PrintStream err) {
        Path modelPath = ModelLocation.resolve("generate", flags.string("--model"), err);
        if (flags.has("--prompt") == flags.has("--prompt-ids")) {
            throw new UsageException("generate: give exactly one of --prompt and --prompt-ids");
        }
        int threads = flags.integer("--threads", Runtime.getRuntime().availableProcessors());
        if (threads < 1) {
            throw new UsageException("generate: --threads must be at least 1");
        }
        int maxTokens = flags.integer("--max-tokens", 256);
        if (maxTokens < 0) {
            throw new UsageException("generate: --max-tokens must be >= 0");
        }
        int topLogits = flags.integer("--top-logits", 0);
        if (topLogits < 0) {
            throw new UsageException("generate: --top-logits must be >= 0");
        }
        // With no sampling flag, the model's own recommendation (generation_config.json) is used once loaded.
        Sampler sampler = SamplingFlags.sampler("generate", flags);
        GenerationOptions.Builder options = GenerationOptions.builder()
                .maxTokens(maxTokens)
                .seed(flags.longValue("--seed", System.nanoTime()))
                .topLogits(topLogits)
                .stopStrings(flags.strings("--stop"));
        if (flags.has("--json-schema")) {
            // Compiled before the model loads, so a bad schema fails at once.
            Path schemaFile = flags.existingFile("--json-schema");
            try {
                options.jsonSchema(JsonSchema.parse(Files.readString(schemaFile)));
            } catch (IOException e) {
                throw new UsageException("generate: --json-schema: cannot read " + schemaFile + ": " + e.getMessage());
            } catch (JsonSchemaException e) {
                throw new JsonSchemaException(schemaFile + ": " + e.getMessage());
            }
        }
        int[] forced = flags.ids("--forced-ids");
        if (forced != null) {
            options.forcedTokens(forced);
        }
        boolean json = flags.has("--json");

        long loadStart = System.nanoTime();
        LoadOptions load = LoadOptions.defaults().withThreads(threads).withExecutor(flags.string("--executor"));
        try (LlamaModel model = LlamaModel.load(modelPath, load); Session session = model.newSession()) {
            double loadMs = (System.nanoTime() - loadStart) / 1e6;
            err.printf("llama4j: loaded %s (%s executor, %d threads) in %.0f ms%n",
                    modelPath.getFileName(), model.executorName(), threads, loadMs);
            options.sampler(sampler != null ? sampler : model.defaultSampler());
            int[] promptIds = flags.has("--prompt") ? model.tokenizePrompt(flags.string("--prompt")) : flags.ids("--prompt-ids");
            Generation g = session.generate(promptIds, options.build(), json ? piece -> { } : piece -> {
                out.print(piece);
                out.flush();
            });
            if (json) {
                out.println(toJson(g, loadMs));
            } else {
                out.println();
            }
            err.printf("llama4j: prompt %d tokens at %.1f tokens/s, generated %d tokens at %.1f tokens/s (%s)%n",
                    promptIds.length, g.prefillTokensPerSecond(), g.ids().length, g.decodeTokensPerSecond(),
                    g.stopReason().name().toLowerCase());
        }
    }

    private static String toJson(Generation g, double loadMs) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        ArrayNode prompt = root.putArray("prompt_ids");
        for (int id : g.promptIds()) {
            prompt.add(id);
        }
        ArrayNode ids = root.putArray("ids");
        for (int id : g.ids()) {
            ids.add(id);
        }
        root.put("text", g.text());
        ArrayNode steps = root.putArray("top_logits");
        for (List<TokenLogit> step : g.topLogits()) {
            ArrayNode entries = steps.addArray();
            for (TokenLogit t : step) {
                entries.addObject().put("id", t.id()).put("logit", t.logit()).put("logprob", t.logprob());
            }
        }
        root.put("prefill_tokens_per_s", g.prefillTokensPerSecond());
        root.put("decode_tokens_per_s", g.decodeTokensPerSecond());
        root.put("load_ms", loadMs);
        root.put("stop_reason", g.stopReason().name().toLowerCase());
        return root.toString();
    }
}
