package io.llama4j.structured;

import io.llama4j.LlamaException;

/**
 * A JSON Schema that cannot constrain generation: not valid JSON, or using a keyword this implementation
 * does not enforce. The message names the keyword and where in the schema it is (a JSON pointer).
 *
 * <pre>{@code
 * try {
 *     GenerationOptions options = GenerationOptions.builder()
 *             .jsonSchema("{\"type\": \"string\", \"format\": \"email\"}")
 *             .build();
 * } catch (JsonSchemaException e) {
 *     System.err.println(e.getMessage());   // names "format" and where it is in the schema
 * }
 * }</pre>
 */
public class JsonSchemaException extends LlamaException {
    public JsonSchemaException(String message) {
        super(message);
    }
}
