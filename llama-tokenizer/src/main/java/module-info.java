/**
 * The Llama 3 byte-level BPE tokenizer and the Llama 3.1 chat format, with no dependencies (Java 17).
 *
 * <pre>{@code
 * module my.app {
 *     requires io.llama4j.tokenizer;
 * }
 *
 * LlamaTokenizer tokenizer = LlamaTokenizer.fromTokenizerJson(Path.of("tokenizer.json"));
 * int[] ids = tokenizer.encode("Hello world!", false);
 * }</pre>
 */
module io.llama4j.tokenizer {
    exports io.llama4j.tokenizer;
}
