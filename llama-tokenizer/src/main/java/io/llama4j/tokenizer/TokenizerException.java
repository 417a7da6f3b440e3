package io.llama4j.tokenizer;

/**
 * Invalid input to the tokenizer: a malformed vocabulary file, an inconsistent vocabulary, or a token id
 * that does not exist. The message names the file, line or field, or the offending id.
 *
 * <p>It extends {@link IllegalArgumentException} because every case is a bad argument (data handed in),
 * never a bug inside the tokenizer.
 *
 * <pre>{@code
 * try {
 *     LlamaTokenizer.fromTokenizerJson(Path.of("tokenizer.json"));
 * } catch (TokenizerException e) {
 *     System.err.println(e.getMessage());   // what is wrong with the file, and where
 * }
 * }</pre>
 */
public class TokenizerException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
