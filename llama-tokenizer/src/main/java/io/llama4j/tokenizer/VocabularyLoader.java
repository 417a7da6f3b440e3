package io.llama4j.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Reads the three forms in which a Llama 3 vocabulary is published (GGUF metadata, HF
 * {@code tokenizer.json}, Meta's tiktoken {@code tokenizer.model}) into a {@link Vocabulary} and a
 * {@link MergeTable}. All three describe the same tokenizer; only the storage differs.
 */
final class VocabularyLoader {
    /** The split pattern of Llama 3, as stored in tokenizer.json; the only one {@link PreTokenizer} implements. */
    static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private VocabularyLoader() {
    }

    // ---- GGUF ----------------------------------------------------------------------------------------

    static LlamaTokenizer fromGguf(List<String> tokens, int[] tokenTypes, List<String> merges) {
        if (tokens == null || merges == null) {
            throw new TokenizerException("GGUF vocabulary: tokenizer.ggml.tokens and tokenizer.ggml.merges are required");
        }
        if (tokenTypes != null && tokenTypes.length != tokens.size()) {
            throw new TokenizerException("GGUF vocabulary: tokenizer.ggml.token_type has " + tokenTypes.length
                    + " entries but tokenizer.ggml.tokens has " + tokens.size());
        }
        int size = tokens.size();
        List<byte[]> bytes = new ArrayList<>(size);
        TokenType[] types = new TokenType[size];
        for (int id = 0; id < size; id++) {
            String text = tokens.get(id);
            if (text == null) {
                throw new TokenizerException("GGUF vocabulary: tokenizer.ggml.tokens[" + id + "] is null");
            }
            types[id] = tokenTypes != null ? TokenType.ofCode(tokenTypes[id], id)
                    : looksLikeControlToken(text) ? TokenType.CONTROL : TokenType.NORMAL;
            bytes.add(tokenBytes(text, types[id], "GGUF tokenizer.ggml.tokens[" + id + "]"));
        }
        Vocabulary vocabulary = new Vocabulary(bytes, types);
        MergeTable table = new MergeTable(merges.size());
        MergeResolver resolver = new MergeResolver(vocabulary, table);
        for (int rank = 0; rank < merges.size(); rank++) {
            String merge = merges.get(rank);
            int space = merge == null ? -1 : merge.indexOf(' ');
            if (space <= 0 || space != merge.lastIndexOf(' ') || space == merge.length() - 1) {
                throw new TokenizerException("GGUF tokenizer.ggml.merges[" + rank + "] is not \"left right\": " + merge);
            }
            resolver.add(merge.substring(0, space), merge.substring(space + 1), rank,
                    "GGUF tokenizer.ggml.merges[" + rank + "]");
        }
        return new LlamaTokenizer(vocabulary, table);
    }

    /** Without token types, {@code <|...|>} marks a special token (no byte-level Llama 3 token looks like that). */
    private static boolean looksLikeControlToken(String text) {
        return text.length() > 4 && text.startsWith("<|") && text.endsWith("|>");
    }

    private static byte[] tokenBytes(String text, TokenType type, String where) {
        switch (type) {
            case NORMAL: {
                byte[] bytes = ByteLevelAlphabet.decode(text);
                if (bytes == null || bytes.length == 0) {
                    throw new TokenizerException(where + " is not a byte-level token: \"" + text + "\"");
                }
                return bytes;
            }
            case BYTE:
                if (text.length() == 6 && text.startsWith("<0x") && text.endsWith(">")) {
                    try {
                        return new byte[] {(byte) Integer.parseInt(text.substring(3, 5), 16)};
                    } catch (NumberFormatException e) {
                        throw new TokenizerException(where + " is not a byte token <0xHH>: \"" + text + "\"", e);
                    }
                }
                throw new TokenizerException(where + " is not a byte token <0xHH>: \"" + text + "\"");
            default:
                return text.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Resolves merge rules given as byte-level text to token ids. Loading does this 280,000 times, so the
     * parts are decoded into one reused buffer and looked up as ranges of it, without allocating.
     */
    private static final class MergeResolver {
        private final Vocabulary vocabulary;
        private final MergeTable table;
        private byte[] buffer = new byte[256];

        MergeResolver(Vocabulary vocabulary, MergeTable table) {
            this.vocabulary = vocabulary;
            this.table = table;
        }

        void add(String left, String right, int priority, String where) {
            int leftLength = decodeInto(left, 0);
            int rightLength = leftLength < 0 ? -1 : decodeInto(right, leftLength);
            int leftId = leftLength <= 0 ? -1 : vocabulary.idOf(buffer, 0, leftLength);
            int rightId = rightLength <= 0 ? -1 : vocabulary.idOf(buffer, leftLength, leftLength + rightLength);
            int mergedId = leftId < 0 || rightId < 0 ? -1 : vocabulary.idOf(buffer, 0, leftLength + rightLength);
            if (mergedId < 0) {
                String missing = leftId < 0 ? left : rightId < 0 ? right : left + right;
                throw new TokenizerException(where + " (\"" + left + " " + right + "\") refers to \"" + missing
                        + "\", which is not a token of the vocabulary");
            }
            table.add(leftId, rightId, mergedId, priority);
        }

        /** Byte-level text to bytes at {@code at}; returns the byte count, or -1 outside the alphabet. */
        private int decodeInto(String text, int at) {
            if (buffer.length < at + text.length()) {
                buffer = java.util.Arrays.copyOf(buffer, 2 * (at + text.length()));
            }
            for (int i = 0; i < text.length(); i++) {
                int b = ByteLevelAlphabet.byteOf(text.charAt(i));
                if (b < 0) {
                    return -1;
                }
                buffer[at + i] = (byte) b;
            }
            return text.length();
        }
    }

    // ---- HF tokenizer.json ---------------------------------------------------------------------------

    static LlamaTokenizer fromTokenizerJson(Path file) throws IOException {
        String name = file.toString();
        Object root = JsonReader.parse(utf8Text(file, name), name);
        Map<?, ?> json = object(root, name, "the top level");
        Map<?, ?> model = object(json.get("model"), name, "\"model\"");
        Object modelType = model.get("type");
        if (modelType != null && !"BPE".equals(modelType)) {
            throw new TokenizerException(name + ": model.type is " + modelType + ", expected BPE");
        }
        checkPreTokenizer(json.get("pre_tokenizer"), name);

        Map<?, ?> vocab = object(model.get("vocab"), name, "model.vocab");
        List<?> added = json.get("added_tokens") == null ? List.of()
                : list(json.get("added_tokens"), name, "added_tokens");
        int size = 0;
        for (Object id : vocab.values()) {
            size = Math.max(size, tokenIndex(id, name, "model.vocab") + 1);
        }
        for (int i = 0; i < added.size(); i++) {
            Map<?, ?> token = object(added.get(i), name, "added_tokens[" + i + "]");
            size = Math.max(size, tokenIndex(token.get("id"), name, "added_tokens[" + i + "].id") + 1);
        }
        // Ids must be dense, so the largest one is bounded by the number of entries: checked before the
        // arrays are sized from it, so a small file cannot claim an id of millions and allocate for it.
        if (size > vocab.size() + added.size()) {
            throw new TokenizerException(name + ": token ids reach " + (size - 1) + " but only "
                    + (vocab.size() + added.size()) + " tokens are defined (ids must be 0.." + (size - 1) + ")");
        }
        String[] texts = new String[size];
        TokenType[] types = new TokenType[size];
        for (Map.Entry<?, ?> entry : vocab.entrySet()) {
            int id = tokenIndex(entry.getValue(), name, "model.vocab");
            if (texts[id] != null) {
                throw new TokenizerException(name + ": model.vocab has two tokens with id " + id);
            }
            texts[id] = (String) entry.getKey();
            types[id] = TokenType.NORMAL;
        }
        for (int i = 0; i < added.size(); i++) {
            Map<?, ?> token = (Map<?, ?>) added.get(i);
            int id = tokenIndex(token.get("id"), name, "added_tokens[" + i + "].id");
            Object content = token.get("content");
            if (!(content instanceof String) || ((String) content).isEmpty()) {
                throw new TokenizerException(name + ": added_tokens[" + i + "].content must be a non-empty string");
            }
            // An added token replaces a vocabulary entry with the same id, as in HF.
            texts[id] = (String) content;
            types[id] = Boolean.FALSE.equals(token.get("special")) ? TokenType.USER_DEFINED : TokenType.CONTROL;
        }
        List<byte[]> bytes = new ArrayList<>(size);
        for (int id = 0; id < size; id++) {
            if (texts[id] == null) {
                throw new TokenizerException(name + ": no token has id " + id + " (ids must be 0.." + (size - 1) + ")");
            }
            bytes.add(tokenBytes(texts[id], types[id], name + ": token " + id));
        }
        Vocabulary vocabulary = new Vocabulary(bytes, types);

        List<?> merges = list(model.get("merges"), name, "model.merges");
        MergeTable table = new MergeTable(merges.size());
        MergeResolver resolver = new MergeResolver(vocabulary, table);
        for (int rank = 0; rank < merges.size(); rank++) {
            Object merge = merges.get(rank);
            String where = name + ": model.merges[" + rank + "]";
            String left;
            String right;
            if (merge instanceof String) {
                String s = (String) merge;
                int space = s.indexOf(' ');
                if (space <= 0 || space != s.lastIndexOf(' ') || space == s.length() - 1) {
                    throw new TokenizerException(where + " is not \"left right\": " + s);
                }
                left = s.substring(0, space);
                right = s.substring(space + 1);
            } else if (merge instanceof List && ((List<?>) merge).size() == 2
                    && ((List<?>) merge).get(0) instanceof String && ((List<?>) merge).get(1) instanceof String) {
                left = (String) ((List<?>) merge).get(0);
                right = (String) ((List<?>) merge).get(1);
            } else {
                throw new TokenizerException(where + " is neither \"left right\" nor [left, right]");
            }
            resolver.add(left, right, rank, where);
        }
        return new LlamaTokenizer(vocabulary, table);
    }

    /** The file as text; bytes that are not UTF-8 are a malformed file, reported with their offset. */
    private static String utf8Text(Path file, String name) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new TokenizerException(name + ": not UTF-8 text (at byte " + firstMalformedByte(bytes) + ")", e);
        }
    }

    private static int firstMalformedByte(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : bytes.length;
    }

    /** Only the Llama 3 split pattern is implemented; refuse anything else rather than tokenize differently. */
    private static void checkPreTokenizer(Object preTokenizer, String name) {
        List<String> patterns = new ArrayList<>();
        collectSplitPatterns(preTokenizer, patterns);
        if (patterns.size() != 1 || !patterns.get(0).equals(LLAMA3_PATTERN)) {
            throw new TokenizerException(name + ": pre_tokenizer is not the Llama 3 split pattern (found "
                    + (patterns.isEmpty() ? "no Split regex" : patterns) + ")");
        }
    }

    private static void collectSplitPatterns(Object node, List<String> out) {
        if (node instanceof Map) {
            Map<?, ?> map = (Map<?, ?>) node;
            if ("Split".equals(map.get("type")) && map.get("pattern") instanceof Map) {
                Object regex = ((Map<?, ?>) map.get("pattern")).get("Regex");
                out.add(regex instanceof String ? (String) regex : String.valueOf(map.get("pattern")));
            }
            for (Object child : map.values()) {
                if (child instanceof List) {
                    collectSplitPatterns(child, out);
                }
            }
        } else if (node instanceof List) {
            for (Object child : (List<?>) node) {
                collectSplitPatterns(child, out);
            }
        }
    }

    private static Map<?, ?> object(Object value, String file, String field) {
        if (!(value instanceof Map)) {
            throw new TokenizerException(file + ": " + field + " must be a JSON object");
        }
        return (Map<?, ?>) value;
    }

    private static List<?> list(Object value, String file, String field) {
        if (!(value instanceof List)) {
            throw new TokenizerException(file + ": " + field + " must be a JSON array");
        }
        return (List<?>) value;
    }

    private static int tokenIndex(Object value, String file, String field) {
        if (!(value instanceof Long) || (Long) value < 0 || (Long) value > 16_000_000) {
            throw new TokenizerException(file + ": " + field + " has an invalid token id: " + value);
        }
        return (int) (long) (Long) value;
    }

    // ---- tiktoken tokenizer.model --------------------------------------------------------------------

    static LlamaTokenizer fromTiktoken(Path file) throws IOException {
        String name = file.toString();
        List<byte[]> ranked = new ArrayList<>(128_256);
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int lineNumber = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (line.isEmpty()) {
                    continue;
                }
                int space = line.indexOf(' ');
                if (space <= 0 || space != line.lastIndexOf(' ')) {
                    throw new TokenizerException(name + ":" + lineNumber + ": expected \"base64 rank\"");
                }
                byte[] bytes;
                int rank;
                try {
                    bytes = Base64.getDecoder().decode(line.substring(0, space));
                    rank = Integer.parseInt(line.substring(space + 1));
                } catch (IllegalArgumentException e) {
                    throw new TokenizerException(name + ":" + lineNumber + ": bad base64 or rank: " + e.getMessage(), e);
                }
                if (bytes.length == 0) {
                    throw new TokenizerException(name + ":" + lineNumber + ": empty token");
                }
                if (rank < 0 || rank > 16_000_000) {
                    throw new TokenizerException(name + ":" + lineNumber + ": rank out of range: " + rank);
                }
                while (ranked.size() <= rank) {
                    ranked.add(null);
                }
                if (ranked.get(rank) != null) {
                    throw new TokenizerException(name + ":" + lineNumber + ": rank " + rank + " appears twice");
                }
                ranked.set(rank, bytes);
            }
        }
        int base = ranked.size();
        for (int rank = 0; rank < base; rank++) {
            if (ranked.get(rank) == null) {
                throw new TokenizerException(name + ": no token has rank " + rank + " (ranks must be 0.." + (base - 1) + ")");
            }
        }
        List<String> specials = llama31SpecialTokens();
        TokenType[] types = new TokenType[base + specials.size()];
        Arrays.fill(types, 0, base, TokenType.NORMAL);
        Arrays.fill(types, base, types.length, TokenType.CONTROL);
        List<byte[]> bytes = new ArrayList<>(ranked);
        for (String special : specials) {
            bytes.add(special.getBytes(StandardCharsets.UTF_8));
        }
        Vocabulary vocabulary = new Vocabulary(bytes, types);

        // tiktoken merges any two adjacent parts whose concatenation is a token, lowest rank first. The
        // equivalent rule set: every split of every token into two tokens, with the whole token's rank.
        MergeTable table = new MergeTable(base * 2);
        for (int rank = 0; rank < base; rank++) {
            byte[] token = ranked.get(rank);
            for (int cut = 1; cut < token.length; cut++) {
                int left = vocabulary.idOf(token, 0, cut);
                if (left < 0) {
                    continue;
                }
                int right = vocabulary.idOf(token, cut, token.length);
                if (right >= 0) {
                    table.add(left, right, rank, rank);
                }
            }
        }
        return new LlamaTokenizer(vocabulary, table);
    }

    /**
     * The 256 special tokens Llama 3.1 appends to the tiktoken ranks, named as in its HF files: a tiktoken
     * file has none, and Meta's code generates them.
     */
    static List<String> llama31SpecialTokens() {
        List<String> names = new ArrayList<>(List.of(
                "<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>",
                "<|reserved_special_token_1|>", "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>",
                "<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>", "<|eot_id|>", "<|python_tag|>"));
        for (int k = 3; names.size() < 256; k++) {
            names.add("<|reserved_special_token_" + k + "|>");
        }
        return names;
    }
}
