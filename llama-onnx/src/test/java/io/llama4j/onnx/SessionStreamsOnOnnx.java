package io.llama4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.llama4j.Generation;
import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.Session;
import org.junit.jupiter.api.Test;

/**
 * The public API runs unchanged on the {@code onnx} executor: a greedy {@code Session.generate} from a text
 * prompt streams llama.cpp's tokens, and the streamed pieces add up to llama.cpp's text; a second generation
 * on the same session starts afresh.
 */
class SessionStreamsOnOnnx {
    @Test
    void greedyGenerationStreamsLlamaCppsText() {
        JsonNode result = OnnxFixtures.tinyReference().get("results").get(0); // no end-of-generation token in it
        int[] expected = OnnxFixtures.ints(result.get("output_tokens"));
        try (LlamaModel model = LlamaModel.load(OnnxFixtures.tinyOnnx(),
                LoadOptions.defaults().withThreads(2).withExecutorSetting("onnx.provider", "cpu"));
             Session session = model.newSession()) {
            for (int run = 0; run < 2; run++) {
                StringBuilder streamed = new StringBuilder();
                Generation g = session.generate(result.get("text").asText(), GenerationOptions.greedy(expected.length),
                        streamed::append);
                assertArrayEquals(expected, g.ids());
                assertEquals(result.get("output_text").asText(), streamed.toString());
            }
        }
    }
}
