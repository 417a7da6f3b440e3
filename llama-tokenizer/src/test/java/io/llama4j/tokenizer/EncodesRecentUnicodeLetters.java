package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Letters and digits added after Unicode 13 (CJK Ext-H/I, Kawi, Garay...): \p{L} and \p{N} follow the
 * running JDK's Unicode tables, so these cases match the references from Unicode 16 on (JDK 24+; the build
 * uses JDK 25). On Java 17 (Unicode 13) 191 of the 200 agree, which is the documented, legitimate
 * difference; this test then does not apply.
 */
class EncodesRecentUnicodeLetters {
    @Test
    void allInformationalCasesOnAUnicode16Runtime() {
        assumeTrue(Runtime.version().feature() >= 24, "needs Unicode 16 character data (JDK 24+)");
        LlamaTokenizer tokenizer = Fixtures.fromGgufArrays();
        List<Fixtures.Case> cases = Fixtures.cases("unicode-recent-cases.jsonl");
        assertEquals(200, cases.size());
        List<String> failures = new ArrayList<>();
        for (Fixtures.Case c : cases) {
            int[] actual = tokenizer.encode(c.text(), false);
            if (!Arrays.equals(c.ids(), actual)) {
                failures.add(c + ": expected " + Arrays.toString(c.ids()) + " got " + Arrays.toString(actual));
            }
        }
        EncodesAllReferenceCases.report("GGUF arrays", failures, cases.size());
    }
}
