package io.llama4j.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;

/** The independent judge: Jackson parses, networknt's validator (draft 2020-12) validates. */
final class SchemaValidator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final Schema schema;

    SchemaValidator(String schemaText) {
        try {
            this.schema = REGISTRY.getSchema(JSON.readTree(schemaText));
        } catch (Exception e) {
            throw new AssertionError("bad test schema", e);
        }
    }

    /** The validation errors, or a single parse error; empty when {@code document} is valid. */
    List<String> problems(String document) {
        JsonNode node;
        try {
            node = JSON.readTree(document);
            if (node == null) {
                return List.of("empty document");
            }
        } catch (Exception e) {
            return List.of("does not parse: " + e.getMessage());
        }
        // Jackson reads the first value and ignores what follows unless asked; a trailing-content check:
        try (var parser = JSON.createParser(document)) {
            parser.readValueAsTree();
            if (parser.nextToken() != null) {
                return List.of("text after the JSON value");
            }
        } catch (Exception e) {
            return List.of("does not parse: " + e.getMessage());
        }
        List<Error> errors = schema.validate(node);
        return errors.stream().map(Error::toString).toList();
    }
}
