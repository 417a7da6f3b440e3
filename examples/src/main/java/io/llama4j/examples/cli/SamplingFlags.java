package io.llama4j.examples.cli;

import io.llama4j.Sampler;
import java.util.Set;

/** The sampling flags {@code generate} and {@code chat} share, and the sampler they describe. */
final class SamplingFlags {
    static final Set<String> VALUED = Set.of("--temperature", "--top-k", "--top-p", "--min-p", "--repeat-penalty");
    static final String USAGE = "[--temperature T] [--top-k K] [--top-p P] [--min-p P] [--repeat-penalty R]";

    private SamplingFlags() {
    }

    /**
     * The sampler the flags ask for, llama.cpp's defaults filling the flags not given; null when no sampling
     * flag is given, so that the caller can use the model's own recommendation (generation_config.json)
     * once it is loaded.
     */
    static Sampler sampler(String command, Flags flags) {
        if (VALUED.stream().noneMatch(flags::has)) {
            return null;
        }
        try {
            return Sampler.builder()
                    .temperature(flags.real("--temperature", 0.8f))
                    .topK(flags.integer("--top-k", 40))
                    .topP(flags.real("--top-p", 0.95f))
                    .minP(flags.real("--min-p", 0.05f))
                    .repeatPenalty(flags.real("--repeat-penalty", 1f))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(command + ": " + e.getMessage());
        }
    }
}
