package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The module's small JSON reader is strict RFC 8259, and its writer prints what Python's
 * {@code json.dumps(value, ensure_ascii=False, indent=...)} prints. Expected strings were produced by
 * CPython 3 {@code json.dumps}.
 */
class JsonReadsAndWritesLikePython {

    @Test
    void readsEveryKindOfValue() {
        Object value = JsonReader.parse(
                " {\"s\": \"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83e\\udd99\", \"i\": -42, \"big\": 123456789012345678901,"
                        + " \"d\": 1.5e3, \"t\": true, \"f\": false, \"n\": null, \"a\": [1, [], {}]} ", "test");
        Map<?, ?> map = (Map<?, ?>) value;
        assertEquals("a\"\\/\b\f\n\r\té🦙", map.get("s"));
        assertEquals(-42L, map.get("i"));
        assertEquals(new BigInteger("123456789012345678901"), map.get("big"));
        assertEquals(1500.0, map.get("d"));
        assertEquals(Boolean.TRUE, map.get("t"));
        assertEquals(Boolean.FALSE, map.get("f"));
        assertTrue(map.containsKey("n"));
        assertNull(map.get("n"));
        assertEquals(List.of(1L, List.of(), Map.of()), map.get("a"));
        assertEquals(List.of("s", "i", "big", "d", "t", "f", "n", "a"), List.copyOf(map.keySet()), "key order kept");
    }

    @Test
    void rejectsMalformedJsonWithPosition() {
        String[] bad = {"", "{", "[1,]", "{\"a\" 1}", "{'a': 1}", "01", "1.", "-", "\"\\x\"", "\"a\nb\"", "tru", "[1] 2",
            "{\"a\": 1,}", "\"\\u12g4\"", "NaN"};
        for (String text : bad) {
            TokenizerException e = assertThrows(TokenizerException.class, () -> JsonReader.parse(text, "doc.json"),
                    () -> "should reject " + text);
            assertTrue(e.getMessage().startsWith("doc.json:1:"), e.getMessage());
        }
        TokenizerException e = assertThrows(TokenizerException.class,
                () -> JsonReader.parse("{\n  \"a\": [1,\n   2 3]}", "doc.json"));
        assertTrue(e.getMessage().startsWith("doc.json:3:6:"), e.getMessage());
    }

    @Test
    void writesCompactLikeJsonDumps() {
        // json.dumps({"a": [1, 2.5, None, True], "b": {}, "c": "é\"\n"}, ensure_ascii=False)
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", java.util.Arrays.asList(1L, 2.5, null, true));
        value.put("b", Map.of());
        value.put("c", "é\"\n");
        assertEquals("{\"a\": [1, 2.5, null, true], \"b\": {}, \"c\": \"é\\\"\\n\"}", JsonWriter.write(value));
    }

    @Test
    void writesIndentedLikeJsonDumps() {
        // json.dumps({'a':[1,2.5,1e-05,1e16,{}],'b':{}, 'c':'x\u2028\x7f\x1f'}, ensure_ascii=False, indent=4)
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", List.of(1L, 2.5, 1e-05, 1e16, Map.of()));
        value.put("b", Map.of());
        value.put("c", "x\u2028\u007f\u001f");
        assertEquals("{\n    \"a\": [\n        1,\n        2.5,\n        1e-05,\n        1e+16,\n        {}\n    ],\n"
                + "    \"b\": {},\n    \"c\": \"x\u2028\u007f\\u001f\"\n}", JsonWriter.write(value, 4));
    }

    @Test
    void floatsAsPythonRepr() {
        // repr(float(x)) in CPython
        assertEquals("0.0001", JsonWriter.pythonFloatRepr(0.0001));
        assertEquals("1e-05", JsonWriter.pythonFloatRepr(0.00001));
        assertEquals("1000000000000000.0", JsonWriter.pythonFloatRepr(1e15));
        assertEquals("1e+16", JsonWriter.pythonFloatRepr(1e16));
        assertEquals("1.2345e+20", JsonWriter.pythonFloatRepr(1.2345e20));
        assertEquals("-0.0", JsonWriter.pythonFloatRepr(-0.0));
        assertEquals("0.1", JsonWriter.pythonFloatRepr(0.1));
        assertEquals("123.456", JsonWriter.pythonFloatRepr(123.456));
        assertEquals("3.0", JsonWriter.pythonFloatRepr(3));
        assertEquals("1.7976931348623157e+308", JsonWriter.pythonFloatRepr(Double.MAX_VALUE));
        assertEquals("5e-324", JsonWriter.pythonFloatRepr(Double.MIN_VALUE));
        assertEquals("NaN", JsonWriter.pythonFloatRepr(Double.NaN));
        assertEquals("-Infinity", JsonWriter.pythonFloatRepr(Double.NEGATIVE_INFINITY));
    }

    @Test
    void roundTripsTheTokenizerJsonVocabularyShape() {
        String text = "{\"model\": {\"vocab\": {\"\u0120the\": 279}, \"merges\": [\"\u0120 t\", [\"h\", \"e\"]]}}";
        assertEquals(text, JsonWriter.write(JsonReader.parse(text, "t")));
    }
}
