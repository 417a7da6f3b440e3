package io.llama4j.format.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import io.llama4j.spi.ModelSpec;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * config.json as different transformers versions write it gives the same model description. Expected
 * divisors are the reference sheet's table (section 2.3) for head size 128, theta 500000, factor 8.
 */
class HfConfigReadsEverySpelling {
    private static final double[] SHEET_DIVISORS_29_TO_34 = {1.207484, 1.553415, 2.026313, 2.694530, 3.684253, 5.257327};

    private static ModelSpec spec(String json) {
        return new HfConfig(JsonFields.parse(Path.of("config.json"), json)).spec("test", Set.of());
    }

    private static String llama31(String rope, String extra) {
        return """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 4096,
                 "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32,
                 "num_key_value_heads": 8, "max_position_embeddings": 131072, "rms_norm_eps": 1e-05,
                 "vocab_size": 128256, %s %s}""".formatted(rope, extra);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            // transformers 4.43+: rope_theta beside rope_scaling with rope_type
            "\"rope_theta\": 500000.0, \"rope_scaling\": {\"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192, \"rope_type\": \"llama3\"},",
            // older spelling of the type key
            "\"rope_theta\": 500000.0, \"rope_scaling\": {\"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192, \"type\": \"llama3\"},",
            // newer transformers: everything in rope_parameters, theta included
            "\"rope_parameters\": {\"rope_theta\": 500000.0, \"factor\": 8.0, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0, \"original_max_position_embeddings\": 8192, \"rope_type\": \"llama3\"},"})
    void llama3ScalingInAnySpellingGivesTheSheetsDivisors(String rope) {
        ModelSpec spec = spec(llama31(rope, "\"eos_token_id\": 128001"));
        float[] d = spec.ropeFreqDivisors();
        assertThat(spec.ropeTheta()).isEqualTo(500000f);
        assertThat(d).hasSize(64);
        for (int i = 0; i <= 28; i++) {
            assertThat(d[i]).isEqualTo(1f);
        }
        for (int i = 29; i <= 34; i++) {
            assertThat((double) d[i]).isCloseTo(SHEET_DIVISORS_29_TO_34[i - 29], org.assertj.core.data.Offset.offset(2e-6));
        }
        for (int i = 35; i < 64; i++) {
            assertThat(d[i]).isEqualTo(8f);
        }
    }

    @Test
    void eosAsAListOrAnIntegerAndHeadDimGivenOrDerived() {
        ModelSpec list = spec(llama31("\"rope_theta\": 500000.0,", "\"eos_token_id\": [128001, 128008, 128009]"));
        assertThat(list.endOfGeneration()).containsExactlyInAnyOrder(128001, 128008, 128009);
        assertThat(list.headDim()).isEqualTo(128);
        assertThat(list.ropeFreqDivisors()).containsOnly(1f);
        ModelSpec scalar = spec(llama31("\"rope_theta\": 500000.0,", "\"eos_token_id\": 128001, \"head_dim\": 64, \"tie_word_embeddings\": true"));
        assertThat(scalar.endOfGeneration()).containsExactly(128001);
        assertThat(scalar.headDim()).isEqualTo(64);
        assertThat(scalar.tiedEmbeddings()).isTrue();
        assertThat(scalar.ropePairing()).isEqualTo(ModelSpec.RopePairing.HALVES);
    }
}
