package io.llama4j.spi;

/**
 * The sampling settings a model's publisher recommends (HuggingFace {@code generation_config.json}), used
 * when the caller sets none. A null field means the model says nothing about it.
 *
 * <pre>{@code
 * GenerationDefaults recommended = model.generationDefaults();   // from generation_config.json
 * float temperature = recommended.temperature() != null ? recommended.temperature() : 0.8f;
 * // A format reader with nothing to recommend:
 * GenerationDefaults none = GenerationDefaults.none();
 * }</pre>
 *
 * @param temperature 0 for greedy
 * @param topP        nucleus mass in (0, 1]
 * @param topK        tokens kept, 0 for all
 */
public record GenerationDefaults(Float temperature, Float topP, Integer topK) {
    private static final GenerationDefaults NONE = new GenerationDefaults(null, null, null);

    public GenerationDefaults {
        if (temperature != null && (!(temperature >= 0) || temperature.isInfinite())) {
            throw new IllegalArgumentException("temperature must be finite and >= 0, got " + temperature);
        }
        if (topP != null && !(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (topK != null && topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        }
    }

    /** The model recommends nothing (GGUF files, folders without generation_config.json). */
    public static GenerationDefaults none() {
        return NONE;
    }
}
