package io.llama4j.tokenizer;

import static io.llama4j.tokenizer.UnicodeClasses.CR_LF;
import static io.llama4j.tokenizer.UnicodeClasses.LETTER;
import static io.llama4j.tokenizer.UnicodeClasses.NUMBER;
import static io.llama4j.tokenizer.UnicodeClasses.WHITE_SPACE;

/**
 * Splits text into the pieces that BPE encodes one by one, exactly as the Llama 3 pattern does under
 * tiktoken's and HF's regex engines:
 *
 * <pre>
 * (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 * </pre>
 *
 * <p>The pattern is matched by hand rather than with {@code java.util.regex}: it is the hot loop of
 * encoding, and each alternative reduces to a short scan once its backtracking is worked out (see the
 * comments on each branch). A regex engine tries the alternatives in order at the current position and
 * takes the first that matches; since some alternative matches every character, pieces tile the text.
 *
 * <p>Positions are UTF-16 indexes into the string; classes are decided per code point. A lone surrogate
 * counts as an ordinary symbol (it is later encoded as U+FFFD, which is one).
 */
final class PreTokenizer {
    private PreTokenizer() {
    }

    /**
     * End (exclusive) of the piece that starts at {@code start}. {@code limit} acts as the end of the text:
     * the lookahead of {@code \s+(?!\S)} sees nothing beyond it, as when tiktoken matches the ordinary text
     * between two special tokens.
     */
    static int pieceEnd(String text, int start, int limit) {
        char c = text.charAt(start);
        int cls;
        int width;
        if (Character.isHighSurrogate(c) && start + 1 < limit && Character.isLowSurrogate(text.charAt(start + 1))) {
            cls = UnicodeClasses.of(Character.toCodePoint(c, text.charAt(start + 1)));
            width = 2;
        } else {
            cls = UnicodeClasses.ofChar(c);
            width = 1;
        }

        // (?i:'s|'t|'re|'ve|'m|'ll|'d): Unicode case-insensitive, so 'ſ (long s) counts as 's.
        if (c == '\'') {
            int length = contractionLength(text, start + 1, limit);
            if (length > 0) {
                return start + 1 + length;
            }
        }

        // [^\r\n\p{L}\p{N}]?\p{L}+ : the optional prefix is tried first (greedy), then the plain letter run.
        if ((cls & (LETTER | NUMBER | CR_LF)) == 0) {
            int next = start + width;
            if (next < limit && (classAt(text, next, limit) & LETTER) != 0) {
                return skipLetters(text, next, limit);
            }
        } else if ((cls & LETTER) != 0) {
            return skipLetters(text, start, limit);
        }

        // \p{N}{1,3}
        if ((cls & NUMBER) != 0) {
            int end = start + width;
            for (int n = 1; n < 3 && end < limit; n++) {
                int w = widthIfClass(text, end, limit, NUMBER);
                if (w == 0) {
                    break;
                }
                end += w;
            }
            return end;
        }

        // " ?[^\s\p{L}\p{N}]+[\r\n]*" : a symbol run, optionally led by one space, then any CR/LF.
        int symbolsStart = -1;
        if ((cls & WHITE_SPACE) == 0) {
            symbolsStart = start;
        } else if (c == ' ' && start + 1 < limit && classAt(text, start + 1, limit) == UnicodeClasses.OTHER) {
            symbolsStart = start + 1;
        }
        if (symbolsStart >= 0) {
            int end = symbolsStart;
            while (end < limit) {
                int w = widthIfOther(text, end, limit);
                if (w == 0) {
                    break;
                }
                end += w;
            }
            while (end < limit && isCrLf(text.charAt(end))) {
                end++;
            }
            return end;
        }

        // Only white space is left. All White_Space characters are in the BMP, so one char each.
        int runEnd = start + 1;
        int lastCrLf = isCrLf(c) ? start : -1;
        while (runEnd < limit) {
            char d = text.charAt(runEnd);
            int dc = UnicodeClasses.ofChar(d);
            if ((dc & WHITE_SPACE) == 0) {
                break;
            }
            if ((dc & CR_LF) != 0) {
                lastCrLf = runEnd;
            }
            runEnd++;
        }
        // \s*[\r\n]+ : \s* backtracks until [\r\n]+ can match, so the piece ends after the run's last CR/LF.
        if (lastCrLf >= 0) {
            return lastCrLf + 1;
        }
        // \s+(?!\S) : the whole run at the end of the text; otherwise the run minus its last character,
        // which then leads the next piece (" word"), provided that leaves at least one character.
        if (runEnd == limit) {
            return runEnd;
        }
        if (runEnd - start >= 2) {
            return runEnd - 1;
        }
        // \s+ : a single white-space character before a non-space.
        return runEnd;
    }

    /** Length after the apostrophe of a contraction at {@code i}, or 0. */
    private static int contractionLength(String text, int i, int limit) {
        if (i >= limit) {
            return 0;
        }
        char a = text.charAt(i);
        switch (a) {
            case 's': case 'S': case '\u017F':   // U+017F LATIN SMALL LETTER LONG S folds to 's'
            case 't': case 'T':
            case 'm': case 'M':
            case 'd': case 'D':
                return 1;
            default:
                break;
        }
        if (i + 1 >= limit) {
            return 0;
        }
        char b = text.charAt(i + 1);
        if ((a == 'r' || a == 'R' || a == 'v' || a == 'V') && (b == 'e' || b == 'E')) {
            return 2;
        }
        if ((a == 'l' || a == 'L') && (b == 'l' || b == 'L')) {
            return 2;
        }
        return 0;
    }

    private static int skipLetters(String text, int i, int limit) {
        while (i < limit) {
            int w = widthIfClass(text, i, limit, LETTER);
            if (w == 0) {
                break;
            }
            i += w;
        }
        return i;
    }

    private static boolean isCrLf(char c) {
        return c == '\r' || c == '\n';
    }

    private static int classAt(String text, int i, int limit) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < limit && Character.isLowSurrogate(text.charAt(i + 1))) {
            return UnicodeClasses.of(Character.toCodePoint(c, text.charAt(i + 1)));
        }
        return UnicodeClasses.ofChar(c);
    }

    /** Width (1 or 2 chars) of the code point at {@code i} if it has the class bit, else 0. */
    private static int widthIfClass(String text, int i, int limit, int bit) {
        char c = text.charAt(i);
        if (c < 0xD800 || c > 0xDFFF) {
            return (UnicodeClasses.ofChar(c) & bit) != 0 ? 1 : 0;
        }
        if (Character.isHighSurrogate(c) && i + 1 < limit && Character.isLowSurrogate(text.charAt(i + 1))) {
            return (UnicodeClasses.of(Character.toCodePoint(c, text.charAt(i + 1))) & bit) != 0 ? 2 : 0;
        }
        return 0;   // a lone surrogate is a symbol
    }

    /** Width of the code point at {@code i} if it is neither white space, letter nor number, else 0. */
    private static int widthIfOther(String text, int i, int limit) {
        char c = text.charAt(i);
        if (c < 0xD800 || c > 0xDFFF) {
            return UnicodeClasses.ofChar(c) == UnicodeClasses.OTHER ? 1 : 0;
        }
        if (Character.isHighSurrogate(c) && i + 1 < limit && Character.isLowSurrogate(text.charAt(i + 1))) {
            return UnicodeClasses.of(Character.toCodePoint(c, text.charAt(i + 1))) == UnicodeClasses.OTHER ? 2 : 0;
        }
        return 1;
    }
}
