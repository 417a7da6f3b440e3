package io.llama4j.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The Llama 3 tokenizer: byte-level BPE over the 128,000-token vocabulary plus the special tokens, with
 * the same results as Meta's tiktoken tokenizer and HF {@code tokenizers}.
 *
 * <pre>{@code
 * LlamaTokenizer tokenizer = LlamaTokenizer.fromTokenizerJson(Path.of("tokenizer.json"));
 * int[] ids = tokenizer.encode("Hello world!", false);       // [9906, 1917, 0]
 * String text = tokenizer.decode(ids);                         // "Hello world!"
 * int eot = tokenizer.tokenId("<|eot_id|>");                   // 128009
 * }</pre>
 *
 * <p>Encoding never adds {@code <|begin_of_text|>}; callers that need it prepend it. Instances are
 * immutable and safe to share between threads.
 */
public final class LlamaTokenizer {
    private final Vocabulary vocabulary;
    final BytePairEncoder encoder;   // package-private for tests
    private final SpecialTokenMatcher specials;

    LlamaTokenizer(Vocabulary vocabulary, MergeTable merges) {
        this.vocabulary = vocabulary;
        this.encoder = new BytePairEncoder(vocabulary, merges);
        this.specials = new SpecialTokenMatcher(vocabulary.specialIds());
    }

    /**
     * Builds the tokenizer from the vocabulary of a GGUF file.
     *
     * @param tokens     {@code tokenizer.ggml.tokens}: byte-level text for ordinary tokens, plain text for
     *                   special tokens such as {@code <|eot_id|>}
     * @param tokenTypes {@code tokenizer.ggml.token_type} (1 normal, 3 control, 4 user-defined, 6 byte, ...);
     *                   if null, tokens of the form {@code <|...|>} are taken as control tokens
     * @param merges     {@code tokenizer.ggml.merges}: {@code "left right"} in priority order
     * @throws TokenizerException if the data is inconsistent (the message names the token or merge)
     */
    public static LlamaTokenizer fromGgufVocabulary(List<String> tokens, int[] tokenTypes, List<String> merges) {
        return VocabularyLoader.fromGguf(tokens, tokenTypes, merges);
    }

    /**
     * Loads a HuggingFace {@code tokenizer.json} of a Llama 3 model (BPE model, Llama 3 split pattern).
     *
     * @throws TokenizerException if the file is malformed or not a Llama 3 tokenizer (the message names the
     *                            file and the field or position)
     */
    public static LlamaTokenizer fromTokenizerJson(Path tokenizerJson) throws IOException {
        return VocabularyLoader.fromTokenizerJson(tokenizerJson);
    }

    /**
     * Loads Meta's tiktoken {@code tokenizer.model} ({@code base64(bytes) rank} per line) and adds the 256
     * Llama 3.1 special tokens after the last rank ({@code <|begin_of_text|>} = 128000 ... as in the HF
     * files of Llama 3.1 and 3.2).
     *
     * @throws TokenizerException if a line is malformed (the message names the file and line)
     */
    public static LlamaTokenizer fromTiktoken(Path tokenizerModel) throws IOException {
        return VocabularyLoader.fromTiktoken(tokenizerModel);
    }

    /**
     * Encodes text to token ids, without a BOS token.
     *
     * @param parseSpecial whether special-token text in {@code text} (e.g. {@code <|eot_id|>}) becomes the
     *                     special token; if false it is encoded as ordinary text, as Meta's tokenizer does
     *                     by default, so untrusted input cannot forge chat structure
     */
    public int[] encode(String text, boolean parseSpecial) {
        Objects.requireNonNull(text, "text");
        Encoding encoding = new Encoding(text.length());
        if (!parseSpecial) {
            encodeOrdinary(text, 0, text.length(), encoding);
            return encoding.ids.toArray();
        }
        int ordinaryStart = 0;
        int i = 0;
        while (i < text.length()) {
            String special = specials.matchAt(text, i);
            if (special == null) {
                i++;
                continue;
            }
            encodeOrdinary(text, ordinaryStart, i, encoding);
            encoding.ids.add(specials.idOf(special));
            i += special.length();
            ordinaryStart = i;
        }
        encodeOrdinary(text, ordinaryStart, text.length(), encoding);
        return encoding.ids.toArray();
    }

    private void encodeOrdinary(String text, int from, int to, Encoding encoding) {
        int start = from;
        while (start < to) {
            int end = PreTokenizer.pieceEnd(text, start, to);
            int length = encoding.utf8(text, start, end);
            encoder.encode(encoding.utf8, length, encoding.scratch, encoding.ids);
            start = end;
        }
    }

    /**
     * The most UTF-8 bytes one token can stand for, special tokens counted by their text (e.g. 17 for
     * {@code <|begin_of_text|>}). A text of {@code n} UTF-8 bytes therefore encodes to at least
     * {@code ceil(n / longestTokenBytes())} tokens, which lets a caller refuse a prompt that cannot fit a
     * context before paying for its tokenization.
     */
    public int longestTokenBytes() {
        int longest = 1;
        for (int id = 0; id < vocabulary.size(); id++) {
            longest = Math.max(longest, vocabulary.byteLength(id));
        }
        for (String special : vocabulary.specialIds().keySet()) {
            longest = Math.max(longest, special.getBytes(StandardCharsets.UTF_8).length);
        }
        return longest;
    }

    /** The number of token ids, special tokens included (128,256 for Llama 3.1). */
    public int vocabularySize() {
        return vocabulary.size();
    }

    /**
     * The id of a token given as the vocabulary stores it: byte-level text for ordinary tokens
     * ({@code "Hello"}, {@code "Ġworld"} for " world"), plain text for specials ({@code "<|eot_id|>"}).
     *
     * @return the id, or -1 if there is no such token
     */
    public int tokenId(String tokenText) {
        Integer special = vocabulary.specialIds().get(tokenText);
        if (special != null) {
            return special;
        }
        byte[] bytes = ByteLevelAlphabet.decode(tokenText);
        return bytes == null || bytes.length == 0 ? -1 : vocabulary.idOf(bytes, 0, bytes.length);
    }

    /**
     * Whether the id is a special (control or user-defined) token such as {@code <|eot_id|>}.
     *
     * @throws TokenizerException if the id is not in the vocabulary
     */
    public boolean isSpecial(int id) {
        checkId(id);
        return vocabulary.type(id).isSpecial();
    }

    /**
     * The bytes the tokens stand for; special tokens contribute their text in UTF-8.
     *
     * @throws TokenizerException if an id is not in the vocabulary
     */
    public byte[] decodeBytes(int[] ids) {
        int total = 0;
        for (int id : ids) {
            checkId(id);
            total += vocabulary.length(id);
        }
        byte[] bytes = new byte[total];
        int at = 0;
        for (int id : ids) {
            at += vocabulary.copyBytes(id, bytes, at);
        }
        return bytes;
    }

    /**
     * The text the tokens stand for; bytes that are not valid UTF-8 become U+FFFD.
     *
     * @throws TokenizerException if an id is not in the vocabulary
     */
    public String decode(int[] ids) {
        return new String(decodeBytes(ids), StandardCharsets.UTF_8);
    }

    /** A decoder for streaming generated tokens to text one at a time. */
    public StreamingDecoder newStreamingDecoder() {
        return new StreamingDecoder(this);
    }

    byte[] tokenBytes(int id) {
        checkId(id);
        return vocabulary.bytes(id);
    }

    private void checkId(int id) {
        if (id < 0 || id >= vocabulary.size()) {
            throw new TokenizerException("token id " + id + " is out of range [0, " + vocabulary.size() + ")");
        }
    }

    /** The per-call state of one encode: output and scratch buffers, so the tokenizer stays immutable. */
    private static final class Encoding {
        final IntList ids;
        final BytePairEncoder.Scratch scratch = new BytePairEncoder.Scratch();
        byte[] utf8 = new byte[256];

        Encoding(int textLength) {
            ids = new IntList(textLength / 3 + 8);
        }

        /** UTF-8 of text[from, to) into {@link #utf8}; a lone surrogate becomes U+FFFD. Returns the length. */
        int utf8(String text, int from, int to) {
            int max = (to - from) * 3;
            if (utf8.length < max) {
                utf8 = new byte[Math.max(max, utf8.length * 2)];
            }
            byte[] out = utf8;
            int n = 0;
            for (int i = from; i < to; i++) {
                char c = text.charAt(i);
                if (c < 0x80) {
                    out[n++] = (byte) c;
                } else if (c < 0x800) {
                    out[n++] = (byte) (0xC0 | (c >> 6));
                    out[n++] = (byte) (0x80 | (c & 0x3F));
                } else if (Character.isSurrogate(c)) {
                    if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1))) {
                        int cp = Character.toCodePoint(c, text.charAt(++i));
                        out[n++] = (byte) (0xF0 | (cp >> 18));
                        out[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                        out[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                        out[n++] = (byte) (0x80 | (cp & 0x3F));
                    } else {
                        out[n++] = (byte) 0xEF;
                        out[n++] = (byte) 0xBF;
                        out[n++] = (byte) 0xBD;
                    }
                } else {
                    out[n++] = (byte) (0xE0 | (c >> 12));
                    out[n++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                    out[n++] = (byte) (0x80 | (c & 0x3F));
                }
            }
            return n;
        }
    }
}
