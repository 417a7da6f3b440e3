package io.llama4j.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.format.gguf.GgufFile;
import io.llama4j.format.gguf.LlamaGguf;
import io.llama4j.tokenizer.LlamaTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code tokenize}: token ids of a text (no BOS, special-token text parsed as special). */
final class TokenizeCommand {
    static final String USAGE = "usage: tokenize (--model PATH|URI | --tokenizer PATH) (--text TEXT | --jsonl FILE) [--verbose]";

    private static final Set<String> VALUED = Set.of("--model", "--tokenizer", "--text", "--jsonl");
    private static final Set<String> SWITCHES = Set.of("--verbose");

    private TokenizeCommand() {
    }

    static Flags parse(String[] args) {
        return Flags.parse("tokenize", args, 1, VALUED, SWITCHES);
    }

    static void run(Flags flags, PrintStream out) throws IOException {
        if (flags.has("--model") == flags.has("--tokenizer")) {
            throw new UsageException("tokenize: give exactly one of --model and --tokenizer");
        }
        if (flags.has("--text") == flags.has("--jsonl")) {
            throw new UsageException("tokenize: give exactly one of --text and --jsonl");
        }
        Path jsonl = flags.has("--jsonl") ? flags.existingFile("--jsonl") : null;
        LlamaTokenizer tokenizer = flags.has("--model") ? fromModel(ModelLocation.resolve("tokenize", flags.string("--model"), System.err))
                : fromTokenizerFile(flags.existingFile("--tokenizer"));
        if (jsonl == null) {
            out.println(Arrays.stream(tokenizer.encode(flags.string("--text"), true))
                    .mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]")));
            return;
        }
        ObjectMapper mapper = new ObjectMapper();
        try (BufferedReader in = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode text;
                try {
                    text = mapper.readTree(line).get("text");
                } catch (IOException e) {
                    throw new UsageException("tokenize: " + jsonl + " line " + number + " is not JSON");
                }
                if (text == null || !text.isTextual()) {
                    throw new UsageException("tokenize: " + jsonl + " line " + number + " has no \"text\" string");
                }
                ObjectNode result = mapper.createObjectNode();
                ArrayNode ids = result.putArray("ids");
                for (int id : tokenizer.encode(text.asText(), true)) {
                    ids.add(id);
                }
                out.println(result);
            }
        }
    }

    private static LlamaTokenizer fromModel(Path model) {
        if (!Files.isRegularFile(model) || !model.getFileName().toString().endsWith(".gguf")) {
            // An HF folder or an archive: open it as a model (weights are only mapped) for its tokenizer.
            try (LlamaModel opened = LlamaModel.load(model, LoadOptions.defaults().withThreads(1))) {
                return opened.tokenizer();
            }
        }
        try (GgufFile file = GgufFile.open(model)) {
            return LlamaGguf.tokenizer(file);
        }
    }

    private static LlamaTokenizer fromTokenizerFile(Path path) throws IOException {
        String name = path.getFileName().toString();
        if (name.endsWith(".json")) {
            return LlamaTokenizer.fromTokenizerJson(path);
        }
        if (name.endsWith(".gguf")) {
            return fromModel(path);
        }
        return LlamaTokenizer.fromTiktoken(path);
    }
}
