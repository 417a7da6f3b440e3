package io.llama4j.tokenizer;

/** Python string semantics the chat template relies on through Jinja. */
final class PythonStrings {
    private PythonStrings() {
    }

    /**
     * Python's {@code str.strip()} (Jinja's {@code trim}): removes leading and trailing characters for which
     * {@code str.isspace()} is true, i.e. Unicode White_Space plus the separators U+001C..U+001F.
     */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    static boolean isSpace(char c) {
        return (c >= 0x1C && c <= 0x1F) || UnicodeClasses.isWhiteSpace(c);
    }
}
