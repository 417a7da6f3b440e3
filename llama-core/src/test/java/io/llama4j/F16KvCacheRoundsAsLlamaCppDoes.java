package io.llama4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * With {@link KvCacheType#F16}, teacher-forced log-probabilities come closer to llama.cpp run with its F16
 * cache than the F32 cache does: the rounding is ggml's. The references in {@code src/test/resources/kv-f16}
 * are llama.cpp's output with {@code --kv F16} (see the README there).
 */
class F16KvCacheRoundsAsLlamaCppDoes {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tiny-F32", "small-k-Q6_K"})
    void f16CacheAgreesBetterWithLlamaCppsF16Cache(String name) throws IOException {
        JsonNode ref = resource("kv-f16/" + name + "-kvF16.ref.json");
        assertEquals("F16", ref.get("settings").get("kv_cache_type").asText());
        // The argmax check is the teacher-forcing helper's; the margin is looser than LogitsMatchLlamaCpp's for
        // the quantized model since either cache type alone moves logits by a few hundredths there.
        double margin = name.endsWith("F32") ? 0.5 : 1.0;
        var f16 = TeacherForcing.against(Fixtures.gguf(name), ref, margin,
                SessionOptions.defaults().withKvCacheType(KvCacheType.F16));
        var f32 = TeacherForcing.against(Fixtures.gguf(name), ref, Double.POSITIVE_INFINITY, SessionOptions.defaults());
        f16.print(name + " F16 cache vs llama.cpp F16");
        f32.print(name + " F32 cache vs llama.cpp F16");
        assertTrue(f16.median() < f32.median(), "median: F16 cache " + f16.median() + ", F32 cache " + f32.median());
        assertTrue(f16.max() < f32.max(), "max: F16 cache " + f16.max() + ", F32 cache " + f32.max());
        if (name.endsWith("F32")) {
            assertTrue(f16.median() <= 1e-4, "median " + f16.median());
        }
    }

    @Test
    void f16CacheTakesHalfTheMemoryPerToken() {
        try (LlamaModel model = LlamaModel.load(Fixtures.gguf("tiny-Q8_0"))) {
            var spec = model.spec();
            assertEquals(2L * spec.layers() * spec.kvDim() * 2, model.kvBytesPerToken(KvCacheType.F16));
            assertEquals(2 * model.kvBytesPerToken(KvCacheType.F16), model.kvBytesPerToken(KvCacheType.F32));
        }
    }

    private static JsonNode resource(String path) throws IOException {
        try (InputStream in = F16KvCacheRoundsAsLlamaCppDoes.class.getResourceAsStream("/" + path)) {
            assertTrue(in != null, "missing test resource " + path);
            return new ObjectMapper().readTree(in);
        }
    }
}
