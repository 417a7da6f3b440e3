package io.llama4j.format.safetensors;

import io.llama4j.ModelFormatException;
import io.llama4j.format.FileRegion;
import io.llama4j.tokenizer.LlamaTokenizer;
import io.llama4j.tokenizer.TokenizerException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** {@code tokenizer.json} and {@code tokenizer_config.json}: the tokenizer, begin-of-text and end tokens. */
final class HfTokenizerFiles {
    /** Llama 3 ends a text, a turn and a tool message with these; stop on all of them (pitfalls 5-7). */
    private static final List<String> END_OF_GENERATION_TEXTS = List.of("<|end_of_text|>", "<|eot_id|>", "<|eom_id|>");

    private HfTokenizerFiles() {
    }

    static LlamaTokenizer tokenizer(FileRegion tokenizerJson) {
        try {
            if (tokenizerJson.isWholeFile()) {
                return LlamaTokenizer.fromTokenizerJson(tokenizerJson.file());
            }
            // An entry of an archive read in place: the tokenizer reads paths, so give it a copy of the entry.
            Path copy = Files.createTempFile("llama4j-tokenizer", ".json");
            try {
                try (FileChannel in = FileChannel.open(tokenizerJson.file(), StandardOpenOption.READ);
                     FileChannel out = FileChannel.open(copy, StandardOpenOption.WRITE)) {
                    long done = 0;
                    while (done < tokenizerJson.length()) {
                        long n = in.transferTo(tokenizerJson.offset() + done, tokenizerJson.length() - done, out);
                        if (n <= 0) {
                            throw new ModelFormatException(tokenizerJson.name(), "truncated");
                        }
                        done += n;
                    }
                }
                return LlamaTokenizer.fromTokenizerJson(copy);
            } finally {
                Files.deleteIfExists(copy);
            }
        } catch (TokenizerException e) {
            throw new ModelFormatException(tokenizerJson.name(), "invalid tokenizer: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelFormatException(tokenizerJson.name(), "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Whether prompts get {@code <|begin_of_text|>}: {@code add_bos_token} when tokenizer_config.json says,
     * otherwise yes, as the TemplateProcessing post-processor of every Llama 3 tokenizer.json does.
     */
    static boolean addsBos(JsonFields tokenizerConfig) {
        return tokenizerConfig == null || tokenizerConfig.optionalBoolean("add_bos_token").orElse(true);
    }

    /** The end tokens: Llama 3's three by text, and tokenizer_config.json's {@code eos_token}. */
    static Set<Integer> endOfGeneration(LlamaTokenizer tokenizer, JsonFields tokenizerConfig) {
        Set<Integer> ids = new LinkedHashSet<>();
        for (String text : END_OF_GENERATION_TEXTS) {
            int id = tokenizer.tokenId(text);
            if (id >= 0) {
                ids.add(id);
            }
        }
        if (tokenizerConfig != null) {
            tokenizerConfig.optionalString("eos_token").map(tokenizer::tokenId).filter(id -> id >= 0).ifPresent(ids::add);
        }
        return ids;
    }

    /** The begin-of-text id named by tokenizer_config.json's {@code bos_token}, or -1. */
    static int bos(LlamaTokenizer tokenizer, JsonFields tokenizerConfig) {
        if (tokenizerConfig == null) {
            return -1;
        }
        return tokenizerConfig.optionalString("bos_token").map(tokenizer::tokenId).orElse(-1);
    }
}
