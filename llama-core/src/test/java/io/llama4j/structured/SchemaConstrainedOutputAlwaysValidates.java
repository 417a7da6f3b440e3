package io.llama4j.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llama4j.Fixtures;
import io.llama4j.Generation;
import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.Sampler;
import io.llama4j.Session;
import io.llama4j.StopReason;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On the random-weight fixture model, which left alone writes no JSON at all, the schema constraint alone
 * makes every output parse and validate (checked by Jackson and networknt's validator, not by the automaton),
 * at several seeds and temperatures, for objects, arrays, strings, numbers, integers, booleans, null, enums
 * and required properties.
 */
class SchemaConstrainedOutputAlwaysValidates {
    private static LlamaModel model;

    static final String PERSON = """
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "person",
             "type": "object",
             "properties": {
               "name": {"type": "string", "minLength": 1, "maxLength": 12},
               "age": {"type": "integer"},
               "height": {"type": "number"},
               "member": {"type": "boolean"},
               "role": {"enum": ["admin", "user", "guest"]},
               "tags": {"type": "array", "items": {"type": "string", "maxLength": 6}, "minItems": 1, "maxItems": 3},
               "note": {"type": ["string", "null"], "maxLength": 8}
             },
             "required": ["name", "age", "role", "tags"],
             "additionalProperties": false}""";

    static final String NESTED = """
            {"type": "array", "minItems": 2, "maxItems": 4,
             "items": {"type": "object",
                       "properties": {"id": {"type": "integer"},
                                      "point": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
                                      "kind": {"const": "pt"},
                                      "level": {"enum": [1, 2, 3, "high", null, true]}},
                       "required": ["id", "point", "kind"]}}""";

    static final String SCALARS = """
            {"type": "object",
             "properties": {"n": {"type": "number"}, "ok": {"type": "boolean"}, "nothing": {"type": "null"},
                            "s": {"type": "string", "maxLength": 5}},
             "required": ["n", "ok", "nothing", "s"]}""";

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Fixtures.gguf("tiny-Q8_0"), LoadOptions.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static Stream<Arguments> runs() {
        return Stream.of(
                Arguments.of("person", PERSON, 0f, 1L), Arguments.of("person", PERSON, 0.8f, 2L),
                Arguments.of("person", PERSON, 1.5f, 3L), Arguments.of("person", PERSON, 1.0f, 4L),
                Arguments.of("nested", NESTED, 0f, 1L), Arguments.of("nested", NESTED, 1.0f, 5L),
                Arguments.of("nested", NESTED, 2.0f, 6L),
                Arguments.of("scalars", SCALARS, 0.7f, 7L), Arguments.of("scalars", SCALARS, 1.3f, 8L));
    }

    @ParameterizedTest(name = "{0} temperature {2} seed {3}")
    @MethodSource("runs")
    void outputParsesAndValidates(String name, String schemaText, float temperature, long seed) {
        SchemaValidator validator = new SchemaValidator(schemaText);
        JsonSchema schema = JsonSchema.parse(schemaText);
        GenerationOptions options = GenerationOptions.builder().jsonSchema(schema).maxTokens(400).seed(seed)
                .sampler(Sampler.builder().temperature(temperature).topK(0).topP(1).minP(0).build()).build();
        try (Session session = model.newSession(1024)) {
            long t0 = System.nanoTime();
            Generation g = session.generate(model.tokenizePrompt("Answer in JSON:"), options, p -> { });
            double msPerToken = (System.nanoTime() - t0) / 1e6 / Math.max(1, g.ids().length);
            System.out.printf("%-8s t=%.1f seed %d: %d tokens, %.1f ms/token, %s %s%n", name, temperature, seed,
                    g.ids().length, msPerToken, g.stopReason(), g.text());
            assertEquals(StopReason.END_OF_GENERATION, g.stopReason(), g.text());
            assertEquals(List.of(), validator.problems(g.text()), g.text());
        }
    }

    @Test
    void withoutTheSchemaTheFixtureWritesNoJson() {
        SchemaValidator validator = new SchemaValidator(PERSON);
        try (Session session = model.newSession(512)) {
            String text = session.generate("Answer in JSON:", GenerationOptions.builder()
                    .maxTokens(40).seed(1).sampler(Sampler.builder().temperature(1f).build()).build());
            assertTrue(!validator.problems(text).isEmpty(), "the constraint is what makes the output valid: " + text);
        }
    }

    @Test
    void aTightTokenBudgetStillEndsInAValidDocument() {
        SchemaValidator validator = new SchemaValidator(PERSON);
        JsonSchema schema = JsonSchema.parse(PERSON);
        for (int extra : new int[] {0, 3, 10, 25}) {
            for (long seed = 1; seed <= 3; seed++) {
                GenerationOptions options = GenerationOptions.builder().jsonSchema(schema)
                        .maxTokens(schema.minBytes() + extra).seed(seed)
                        .sampler(Sampler.builder().temperature(1.5f).topK(0).topP(1).minP(0).build()).build();
                try (Session session = model.newSession(512)) {
                    Generation g = session.generate(model.tokenizePrompt("JSON:"), options, p -> { });
                    assertEquals(List.of(), validator.problems(g.text()), "budget " + options.maxTokens() + ": " + g.text());
                }
            }
        }
    }

    @Test
    void aTopLevelNumberEndsWithAnEndToken() {
        String schemaText = "{\"type\": \"integer\"}";
        SchemaValidator validator = new SchemaValidator(schemaText);
        for (long seed = 1; seed <= 4; seed++) {
            try (Session session = model.newSession(256)) {
                Generation g = session.generate(model.tokenizePrompt("A number:"), GenerationOptions.builder()
                        .jsonSchema(schemaText).maxTokens(30).seed(seed)
                        .sampler(Sampler.builder().temperature(1f).topK(0).topP(1).minP(0).build()).build(), p -> { });
                assertEquals(List.of(), validator.problems(g.text()), g.text());
            }
        }
    }
}
