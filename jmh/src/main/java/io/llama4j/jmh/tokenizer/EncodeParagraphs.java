package io.llama4j.jmh.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.GptBytePairEncodingParams;
import io.llama4j.tokenizer.LlamaTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Encode throughput of three Llama 3 tokenizers on the same work: all 33,490 paragraphs of the bench
 * corpus, one call each, ids only, one thread. One invocation = the whole corpus; tokens/s =
 * {@link BenchCorpus#PARAGRAPH_TOKENS} / seconds. Run by {@code jmh/compare-tokenizers.sh}, which
 * alternates the engines and takes medians.
 *
 * <p>Each engine has its own state class, so a run of one benchmark loads only that engine.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class EncodeParagraphs {

    @State(Scope.Benchmark)
    public static class Corpus {
        String[] paragraphs;

        @Setup(Level.Trial)
        public void load() {
            paragraphs = BenchCorpus.paragraphs();
        }
    }

    /** llama4j's own tokenizer, loaded from tokenizer.json (every loader builds the same tables). */
    @State(Scope.Benchmark)
    public static class Llama4j {
        LlamaTokenizer tokenizer;

        @Setup(Level.Trial)
        public void load(Corpus corpus) throws IOException {
            tokenizer = LlamaTokenizer.fromTokenizerJson(BenchCorpus.tokenizerFile("tokenizer.json"));
            BenchCorpus.checkTokenCount("llama4j", encodeAll(this, corpus));
        }
    }

    /**
     * JTokkit 1.1.0 configured as the issue describes: Meta's tiktoken ranks, the Llama 3 pattern with
     * UNICODE_CHARACTER_CLASS (so that \s is Unicode White_Space, as in tiktoken).
     */
    @State(Scope.Benchmark)
    public static class JTokkit {
        static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
                + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
        Encoding encoding;

        @Setup(Level.Trial)
        public void load(Corpus corpus) throws IOException {
            Map<byte[], Integer> ranks = new HashMap<>();
            for (String line : Files.readAllLines(BenchCorpus.tokenizerFile("tokenizer.model"), StandardCharsets.UTF_8)) {
                if (!line.isEmpty()) {
                    int space = line.indexOf(' ');
                    ranks.put(Base64.getDecoder().decode(line.substring(0, space)),
                            Integer.parseInt(line.substring(space + 1)));
                }
            }
            Map<String, Integer> specials = new HashMap<>();
            specials.put("<|begin_of_text|>", 128000);
            specials.put("<|end_of_text|>", 128001);
            Pattern pattern = Pattern.compile(LLAMA3_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);
            encoding = Encodings.newLazyEncodingRegistry()
                    .registerGptBytePairEncoding(new GptBytePairEncodingParams("llama3", pattern, ranks, specials))
                    .getEncoding("llama3").orElseThrow();
            BenchCorpus.checkTokenCount("jtokkit", encodeAll(this, corpus));
        }
    }

    /**
     * HF tokenizers (Rust) through DJL's JNI, ids only: the raw encode/getTokenIds calls skip DJL's
     * building of tokens, offsets and masks, the fastest way to call it from Java.
     */
    @State(Scope.Benchmark)
    public static class HfDjl {
        HuggingFaceTokenizer tokenizer;
        long handle;

        @Setup(Level.Trial)
        public void load(Corpus corpus) throws IOException {
            tokenizer = HuggingFaceTokenizer.newInstance(BenchCorpus.tokenizerFile("tokenizer.json"),
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
            handle = tokenizer.getHandle();
            BenchCorpus.checkTokenCount("hf-tokenizers via DJL", encodeAll(this, corpus));
        }

        @TearDown(Level.Trial)
        public void close() {
            tokenizer.close();
        }
    }

    @Benchmark
    public long llama4j(Llama4j engine, Corpus corpus) {
        return encodeAll(engine, corpus);
    }

    @Benchmark
    public long jtokkit(JTokkit engine, Corpus corpus) {
        return encodeAll(engine, corpus);
    }

    @Benchmark
    public long hfDjl(HfDjl engine, Corpus corpus) {
        return encodeAll(engine, corpus);
    }

    static long encodeAll(Llama4j engine, Corpus corpus) {
        long tokens = 0;
        for (String paragraph : corpus.paragraphs) {
            tokens += engine.tokenizer.encode(paragraph, false).length;
        }
        return tokens;
    }

    static long encodeAll(JTokkit engine, Corpus corpus) {
        long tokens = 0;
        for (String paragraph : corpus.paragraphs) {
            tokens += engine.encoding.encodeOrdinary(paragraph).size();
        }
        return tokens;
    }

    static long encodeAll(HfDjl engine, Corpus corpus) {
        long tokens = 0;
        for (String paragraph : corpus.paragraphs) {
            long encoding = TokenizersLibrary.LIB.encode(engine.handle, paragraph, false);
            tokens += TokenizersLibrary.LIB.getTokenIds(encoding).length;
            TokenizersLibrary.LIB.deleteEncoding(encoding);
        }
        return tokens;
    }
}
