package io.llama4j.tokenizer;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds special-token text such as {@code <|eot_id|>} inside input text, for encoding with special parsing
 * on. At each position the longest special token that starts there wins (HF's leftmost-longest rule; the
 * Llama specials are never prefixes of each other, so tiktoken's leftmost-first agrees).
 */
final class SpecialTokenMatcher {
    private final BitSet firstChars = new BitSet();
    private final Map<Character, String[]> textsByFirstChar = new HashMap<>();
    private final Map<String, Integer> ids;

    SpecialTokenMatcher(Map<String, Integer> ids) {
        this.ids = Map.copyOf(ids);
        Map<Character, List<String>> grouped = new HashMap<>();
        for (String text : ids.keySet()) {
            if (!text.isEmpty()) {
                grouped.computeIfAbsent(text.charAt(0), c -> new ArrayList<>()).add(text);
            }
        }
        grouped.forEach((first, texts) -> {
            texts.sort(Comparator.comparingInt(String::length).reversed());
            firstChars.set(first);
            textsByFirstChar.put(first, texts.toArray(new String[0]));
        });
    }

    /** The special token text that starts at {@code at}, or null. */
    String matchAt(String text, int at) {
        char c = text.charAt(at);
        if (!firstChars.get(c)) {
            return null;
        }
        for (String candidate : textsByFirstChar.get(c)) {
            if (text.startsWith(candidate, at)) {
                return candidate;
            }
        }
        return null;
    }

    int idOf(String specialText) {
        return ids.get(specialText);
    }
}
