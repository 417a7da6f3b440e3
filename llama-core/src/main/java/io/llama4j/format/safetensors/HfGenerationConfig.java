package io.llama4j.format.safetensors;

import io.llama4j.ModelFormatException;
import io.llama4j.spi.GenerationDefaults;
import java.util.List;

/** {@code generation_config.json}: the publisher's sampling settings and end-of-generation ids. */
final class HfGenerationConfig {
    private final JsonFields fields;

    HfGenerationConfig(JsonFields fields) {
        this.fields = fields;
    }

    /**
     * The sampling defaults. {@code do_sample: false} means greedy in transformers whatever the temperature
     * says. A missing {@code top_k} stays null: transformers would apply its own default of 50, Meta's
     * reference sampler applies none, so we leave the choice to the caller's sampler defaults.
     */
    GenerationDefaults defaults() {
        if (!fields.optionalBoolean("do_sample").orElse(true)) {
            return new GenerationDefaults(0f, null, null);
        }
        try {
            return new GenerationDefaults(
                    fields.optionalReal("temperature").map(Double::floatValue).orElse(null),
                    fields.optionalReal("top_p").map(Double::floatValue).orElse(null),
                    fields.optionalInteger("top_k").map(Long::intValue).orElse(null));
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(fields.file(), e.getMessage());
        }
    }

    List<Integer> endOfGeneration() {
        return fields.integerOrList("eos_token_id");
    }
}
