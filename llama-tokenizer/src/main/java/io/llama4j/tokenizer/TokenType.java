package io.llama4j.tokenizer;

/** The kinds of token GGUF distinguishes in {@code tokenizer.ggml.token_type}, with their GGUF codes. */
enum TokenType {
    /** An ordinary BPE token, stored in byte-level form. */
    NORMAL(1),
    UNKNOWN(2),
    /** A special token such as {@code <|eot_id|>}; its text is matched in input only on request. */
    CONTROL(3),
    /** An added token stored as plain text. */
    USER_DEFINED(4),
    UNUSED(5),
    /** A single raw byte, stored as {@code <0xHH>} (SentencePiece vocabularies). */
    BYTE(6);

    final int code;

    TokenType(int code) {
        this.code = code;
    }

    static TokenType ofCode(int code, int tokenId) {
        for (TokenType type : values()) {
            if (type.code == code) {
                return type;
            }
        }
        throw new TokenizerException("token " + tokenId + " has unknown token type " + code);
    }

    /** Whether the token is a special token: never produced by BPE, its text can be parsed as special. */
    boolean isSpecial() {
        return this == CONTROL || this == USER_DEFINED;
    }
}
