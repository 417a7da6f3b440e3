package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written splitter cuts text exactly where the Llama 3 pattern does. The oracle is
 * {@code java.util.regex} with {@code UNICODE_CHARACTER_CLASS}, under which {@code \s} is White_Space and
 * {@code (?i)} is Unicode-aware, as in the Rust engines (the fixture README names this configuration as
 * correct on every reference case).
 */
class PreTokenizerAgreesWithUnicodeRegex {
    private static final Pattern LLAMA3 =
            Pattern.compile(VocabularyLoader.LLAMA3_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);

    /** Characters around which the pattern's alternatives compete. */
    private static final String[] ATOMS = {
        " ", "  ", "\t", "\n", "\r", "\r\n", "\u000B", "\u000C", "\u0085", "\u00A0", "\u2028", "\u3000", "\u200B",
        "\uFEFF", "\u180E", "'", "’", "'s", "'S", "'ſ", "'t", "'re", "'RE", "'Ve", "'m", "'ll", "'lL", "'d", "'x",
        "a", "Z", "é", "ß", "ſ", "日本", "한", "\u0301", "\u0915\u093F", "1", "12345", "٣", "Ⅻ", "½", "𝟘",
        "𝔘", "😀", "👩‍💻", "🇫🇷", ".", "...", "!?", "-", "_", "$", "€", "(", "{\"a\":", "<|eot_id|>", "\u0000",
        "\u007F", "\uFFFD", "\uDBFF\uDFFF",
    };

    @Test
    void onEveryReferenceText() {
        for (Fixtures.Case c : Fixtures.cases("cases.jsonl")) {
            assertEquals(regexPieces(c.text()), ourPieces(c.text()), c.toString());
        }
    }

    @Test
    void onRandomMixesOfRiskyAtoms() {
        Random random = new Random(7);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder sb = new StringBuilder();
            int atoms = 1 + random.nextInt(12);
            for (int i = 0; i < atoms; i++) {
                sb.append(ATOMS[random.nextInt(ATOMS.length)]);
            }
            String text = sb.toString();
            assertEquals(regexPieces(text), ourPieces(text), () -> "pieces of " + text.codePoints()
                    .mapToObj(cp -> String.format("U+%04X", cp)).toList());
        }
    }

    @Test
    void lookaheadStopsAtTheGivenLimit() {
        // Between two special tokens the ordinary text ends where the special token starts.
        String text = "a  <|eot_id|>";
        assertEquals(3, PreTokenizer.pieceEnd(text, 1, 3));   // "  " ends the segment: \s+(?!\S) takes both
        assertEquals(2, PreTokenizer.pieceEnd(text, 1, text.length()));   // before "<", one space is left behind
    }

    private static List<String> regexPieces(String text) {
        List<String> pieces = new ArrayList<>();
        Matcher m = LLAMA3.matcher(text);
        int expectedStart = 0;
        while (m.find()) {
            assertEquals(expectedStart, m.start(), "the regex skipped text");
            pieces.add(m.group());
            expectedStart = m.end();
        }
        return pieces;
    }

    private static List<String> ourPieces(String text) {
        List<String> pieces = new ArrayList<>();
        for (int start = 0; start < text.length(); ) {
            int end = PreTokenizer.pieceEnd(text, start, text.length());
            pieces.add(text.substring(start, end));
            start = end;
        }
        return pieces;
    }
}
