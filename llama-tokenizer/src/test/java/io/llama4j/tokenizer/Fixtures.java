package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The shared reference data ({@code ../shared/data/llama3-tokenizer}, located by the {@code llama4j.shared}
 * system property that the build sets). A missing fixture fails the test: these tests must never pass by
 * not running.
 */
final class Fixtures {
    private Fixtures() {
    }

    static Path tokenizerData(String file) {
        String shared = System.getProperty("llama4j.shared");
        assertTrue(shared != null && !shared.isEmpty(), "system property llama4j.shared is not set");
        Path path = Path.of(shared, "data", "llama3-tokenizer", file);
        assertTrue(Files.isRegularFile(path), "missing fixture " + path);
        return path;
    }

    /** One line of cases.jsonl: {@code idsSpecial} is null where the text has no special-token text. */
    record Case(int line, String text, int[] ids, int[] idsSpecial, String category) {
        @Override
        public String toString() {
            return "line " + line + " (" + category + ")";
        }
    }

    static List<Case> cases(String file) {
        try {
            List<String> lines = Files.readAllLines(tokenizerData(file), StandardCharsets.UTF_8);
            List<Case> cases = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) {
                    continue;
                }
                Map<?, ?> json = (Map<?, ?>) JsonReader.parse(lines.get(i), file);
                cases.add(new Case(i + 1, (String) json.get("text"), ints(json.get("ids")),
                        json.containsKey("ids_special") ? ints(json.get("ids_special")) : null,
                        (String) json.get("category")));
            }
            return cases;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int[] ints(Object list) {
        List<?> values = (List<?>) list;
        int[] ints = new int[values.size()];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = ((Long) values.get(i)).intValue();
        }
        return ints;
    }

    // Each loader is exercised once per test JVM; loading takes about a second.
    private static LlamaTokenizer fromJson;
    private static LlamaTokenizer fromTiktoken;
    private static LlamaTokenizer fromGguf;

    static synchronized LlamaTokenizer fromTokenizerJson() {
        if (fromJson == null) {
            try {
                fromJson = LlamaTokenizer.fromTokenizerJson(tokenizerData("tokenizer.json"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fromJson;
    }

    static synchronized LlamaTokenizer fromTiktoken() {
        if (fromTiktoken == null) {
            try {
                fromTiktoken = LlamaTokenizer.fromTiktoken(tokenizerData("tokenizer.model"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return fromTiktoken;
    }

    /**
     * The tokenizer as core builds it from a GGUF file: the GGUF arrays are made here from tokenizer.json
     * (the GGUF converter copies them from there), with the types GGUF uses (1 normal, 3 control).
     */
    static synchronized LlamaTokenizer fromGgufArrays() {
        if (fromGguf == null) {
            GgufArrays arrays = ggufArrays();
            fromGguf = LlamaTokenizer.fromGgufVocabulary(arrays.tokens(), arrays.types(), arrays.merges());
        }
        return fromGguf;
    }

    record GgufArrays(List<String> tokens, int[] types, List<String> merges) {
    }

    static GgufArrays ggufArrays() {
        try {
            Path file = tokenizerData("tokenizer.json");
            Map<?, ?> json = (Map<?, ?>) JsonReader.parse(Files.readString(file), file.toString());
            Map<?, ?> model = (Map<?, ?>) json.get("model");
            Map<?, ?> vocab = (Map<?, ?>) model.get("vocab");
            List<?> added = (List<?>) json.get("added_tokens");
            String[] tokens = new String[vocab.size() + added.size()];
            int[] types = new int[tokens.length];
            vocab.forEach((text, id) -> {
                tokens[((Long) id).intValue()] = (String) text;
                types[((Long) id).intValue()] = 1;
            });
            for (Object o : added) {
                Map<?, ?> token = (Map<?, ?>) o;
                int id = ((Long) token.get("id")).intValue();
                tokens[id] = (String) token.get("content");
                types[id] = 3;
            }
            List<String> merges = new ArrayList<>();
            for (Object merge : (List<?>) model.get("merges")) {
                merges.add((String) merge);
            }
            return new GgufArrays(List.of(tokens), types, merges);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
