package io.llama4j.examples.spring;

import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** OpenAI's {@code GET /v1/models}, which some clients call first to check the server and pick a model. */
@RestController
class ModelsController {
    private final String modelName;

    ModelsController(LlamaProperties properties) {
        this.modelName = ModelName.of(properties);
    }

    @GetMapping("/v1/models")
    Map<String, Object> models() {
        return Map.of("object", "list",
                "data", List.of(Map.of("id", modelName, "object", "model", "created", 0, "owned_by", "llama4j")));
    }
}
