package io.llama4j.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The automaton accepts a compact document exactly when networknt's validator accepts it (for documents
 * within the automaton's documented limits), and unsupported schemas are refused naming keyword and place.
 */
class SchemaAutomatonAgreesWithAValidator {
    private static final String PERSON = SchemaConstrainedOutputAlwaysValidates.PERSON;

    private static void agree(String schemaText, List<String> documents) {
        JsonSchema schema = JsonSchema.parse(schemaText);
        SchemaValidator validator = new SchemaValidator(schemaText);
        for (String doc : documents) {
            boolean valid = validator.problems(doc).isEmpty();
            assertEquals(valid, schema.accepts(doc), doc + " (validator: " + validator.problems(doc) + ")");
        }
    }

    @Test
    void objectsWithRequiredPropertiesInAnyOrder() {
        agree(PERSON, List.of(
                "{\"name\":\"Al\",\"age\":3,\"role\":\"user\",\"tags\":[\"a\"]}",
                "{\"tags\":[\"a\",\"bb\"],\"role\":\"admin\",\"age\":-0,\"name\":\"x\",\"member\":true}",
                "{\"name\":\"Al\",\"age\":3,\"role\":\"user\",\"tags\":[\"a\"],\"note\":null}",
                "{\"name\":\"Al\",\"age\":3,\"role\":\"user\",\"tags\":[\"a\"],\"height\":1.5e10}",
                "{\"name\":\"Al\",\"age\":3,\"role\":\"user\"}",                          // tags missing
                "{\"name\":\"Al\",\"age\":3.5,\"role\":\"user\",\"tags\":[\"a\"]}",        // not an integer
                "{\"name\":\"Al\",\"age\":3,\"role\":\"boss\",\"tags\":[\"a\"]}",         // not in the enum
                "{\"name\":\"\",\"age\":3,\"role\":\"user\",\"tags\":[\"a\"]}",           // minLength 1
                "{\"name\":\"Al\",\"age\":3,\"role\":\"user\",\"tags\":[]}",              // minItems 1
                "{\"name\":\"Al\",\"age\":3,\"role\":\"user\",\"tags\":[\"a\",\"b\",\"c\",\"d\"]}", // maxItems 3
                "{\"name\":\"Al\",\"age\":3,\"role\":\"user\",\"tags\":[\"a\"],\"extra\":1}",  // no additional
                "{\"name\":\"Al\",\"name\":\"B\",\"age\":3,\"role\":\"user\",\"tags\":[\"a\"]}".replace("\"name\":\"B\",", ""),
                "{\"name\":\"abcdefghijklm\",\"age\":3,\"role\":\"user\",\"tags\":[\"a\"]}", // maxLength 12
                "{\"name\":\"ä€𝄞\\n\\u0041\",\"age\":3,\"role\":\"user\",\"tags\":[\"a\"]}",
                "[1]", "\"text\"", "null", "{}"));
    }

    @Test
    void numbersIntegersAndScalars() {
        agree("{\"type\":\"number\"}", List.of("0", "-0", "12", "-3.25", "1e5", "2E-3", "1.5e+2", "01", "1.", ".5",
                "-", "1e", "true", "\"1\""));
        agree("{\"type\":\"integer\"}", List.of("0", "-17", "123456", "1.5", "abc"));
        agree("{\"type\":[\"boolean\",\"null\"]}", List.of("true", "false", "null", "0", "\"true\""));
        agree("{\"enum\":[1,12,\"a\",[1,2],{\"k\":false}]}", List.of("1", "12", "\"a\"", "[1,2]", "{\"k\":false}", "2", "[1]"));
        agree("{\"type\":\"string\",\"enum\":[\"x\",1]}", List.of("\"x\"", "1"));
    }

    @Test
    void theAutomatonRejectsWhatItPromisesNotToWrite() {
        JsonSchema schema = JsonSchema.parse("{\"type\":\"array\",\"items\":{\"type\":\"string\"}}");
        assertTrue(schema.accepts("[\"a\",\"b\"]"));
        assertTrue(!schema.accepts("[ \"a\"]"), "compact output: no whitespace");
        assertTrue(!schema.accepts("[\"\\ud800\"]"), "no surrogate escapes");
        assertTrue(!schema.accepts("[\"a\"]x"), "nothing after the document");
        assertEquals(2, schema.minBytes());
        assertEquals("{\"ab\":\"\"}".length(), JsonSchema.parse("{\"type\":\"object\",\"properties\":{\"ab\":{\"type\":\"string\"}},"
                + "\"required\":[\"ab\"]}").minBytes());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"type\":\"string\",\"pattern\":\"a+\"}|keyword \"pattern\" is not supported|at /",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\",\"minimum\":3}}}|\"minimum\"|/properties/a",
            "{\"anyOf\":[{\"type\":\"string\"}]}|give a \"type\"|at /",
            "{\"type\":\"object\",\"additionalProperties\":true}|additionalProperties|at /",
            "{\"type\":\"object\",\"properties\":{},\"required\":[\"x\"]}|\"x\" is not among|at /",
            "{\"type\":\"array\"}|needs \"items\"|at /",
            "{\"type\":\"strin\"}|unknown type|at /",
            "{\"type\":\"string\",\"minLength\":3,\"maxLength\":2}|minLength 3 > maxLength 2|at /",
            "{\"type\":\"string\"|not valid JSON at character|the JSON schema",
    })
    void unsupportedSchemasAreRefusedSayingWhatAndWhere(String schema, String what, String where) {
        JsonSchemaException e = assertThrows(JsonSchemaException.class, () -> JsonSchema.parse(schema));
        assertTrue(e.getMessage().contains(what) && e.getMessage().contains(where), e.getMessage());
    }
}
