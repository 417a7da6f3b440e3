package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every public reference case (ids from tiktoken, confirmed by HF tokenizers) is reproduced exactly, by
 * the tokenizer loaded from each of the three vocabulary formats.
 */
class EncodesAllReferenceCases {
    static final int PUBLIC_CASES = 2810;
    static final int PUBLIC_CASES_WITH_SPECIAL_TEXT = 71;

    static Stream<Arguments> loaders() {
        return Stream.of(
                Arguments.of("tokenizer.json", (Supplier<LlamaTokenizer>) Fixtures::fromTokenizerJson),
                Arguments.of("tiktoken tokenizer.model", (Supplier<LlamaTokenizer>) Fixtures::fromTiktoken),
                Arguments.of("GGUF arrays", (Supplier<LlamaTokenizer>) Fixtures::fromGgufArrays));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("loaders")
    void specialTextIsPlainTextWhenSpecialParsingIsOff(String loader, Supplier<LlamaTokenizer> tokenizer) {
        List<Fixtures.Case> cases = Fixtures.cases("cases.jsonl");
        assertEquals(PUBLIC_CASES, cases.size(), "number of public cases");
        List<String> failures = new ArrayList<>();
        for (Fixtures.Case c : cases) {
            int[] actual = tokenizer.get().encode(c.text(), false);
            if (!Arrays.equals(c.ids(), actual)) {
                failures.add(c + ": expected " + Arrays.toString(c.ids()) + " got " + Arrays.toString(actual));
            }
        }
        report(loader, failures, cases.size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("loaders")
    void specialTextBecomesSpecialTokensWhenSpecialParsingIsOn(String loader, Supplier<LlamaTokenizer> tokenizer) {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        for (Fixtures.Case c : Fixtures.cases("cases.jsonl")) {
            // Without special-token text, both modes must agree with "ids".
            int[] expected = c.idsSpecial() != null ? c.idsSpecial() : c.ids();
            checked += c.idsSpecial() != null ? 1 : 0;
            int[] actual = tokenizer.get().encode(c.text(), true);
            if (!Arrays.equals(expected, actual)) {
                failures.add(c + ": expected " + Arrays.toString(expected) + " got " + Arrays.toString(actual));
            }
        }
        assertEquals(PUBLIC_CASES_WITH_SPECIAL_TEXT, checked, "cases with ids_special");
        report(loader, failures, PUBLIC_CASES);
    }

    static void report(String loader, List<String> failures, int total) {
        if (!failures.isEmpty()) {
            fail(loader + ": " + failures.size() + " of " + total + " cases differ; first ones:\n"
                    + String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
        }
    }
}
