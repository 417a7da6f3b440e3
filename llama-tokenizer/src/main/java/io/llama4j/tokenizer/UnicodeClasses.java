package io.llama4j.tokenizer;

/**
 * The three character classes of the Llama 3 split pattern, as the Rust regex engines of tiktoken and HF
 * define them: {@code \p{L}} (general category L*), {@code \p{N}} (N*) and {@code \s} (the Unicode
 * {@code White_Space} property, which unlike ECMAScript's {@code \s} includes U+0085 and excludes U+FEFF).
 *
 * <p>Letters and numbers come from {@link Character#getType}, so they follow the Unicode version of the
 * running JDK. The Basic Multilingual Plane is looked up in a 64 KiB table built once, because the
 * pre-tokenizer asks for every character of the input.
 */
final class UnicodeClasses {
    static final int LETTER = 1;
    static final int NUMBER = 2;
    static final int WHITE_SPACE = 4;
    /** Carriage return or line feed; always set together with {@link #WHITE_SPACE}. */
    static final int CR_LF = 8;
    /** None of the bits: punctuation, symbols, marks, controls that are not white space, unassigned. */
    static final int OTHER = 0;

    private static final byte[] BMP = new byte[0x10000];

    static {
        for (int c = 0; c < BMP.length; c++) {
            BMP[c] = (byte) compute(c);
        }
    }

    private UnicodeClasses() {
    }

    static int of(int codePoint) {
        return codePoint < 0x10000 ? BMP[codePoint] : compute(codePoint);
    }

    /** Class of a BMP character; surrogates are {@link #OTHER} (a lone one is encoded as U+FFFD, also OTHER). */
    static int ofChar(char c) {
        return BMP[c];
    }

    static boolean isWhiteSpace(int codePoint) {
        switch (codePoint) {
            case 0x09: case 0x0A: case 0x0B: case 0x0C: case 0x0D: case 0x20: case 0x85: case 0xA0:
            case 0x1680: case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
                return true;
            default:
                return codePoint >= 0x2000 && codePoint <= 0x200A;
        }
    }

    private static int compute(int codePoint) {
        if (isWhiteSpace(codePoint)) {
            return codePoint == '\r' || codePoint == '\n' ? WHITE_SPACE | CR_LF : WHITE_SPACE;
        }
        switch (Character.getType(codePoint)) {
            case Character.UPPERCASE_LETTER:
            case Character.LOWERCASE_LETTER:
            case Character.TITLECASE_LETTER:
            case Character.MODIFIER_LETTER:
            case Character.OTHER_LETTER:
                return LETTER;
            case Character.DECIMAL_DIGIT_NUMBER:
            case Character.LETTER_NUMBER:
            case Character.OTHER_NUMBER:
                return NUMBER;
            default:
                return OTHER;
        }
    }
}
