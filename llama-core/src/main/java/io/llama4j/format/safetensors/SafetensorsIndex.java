package io.llama4j.format.safetensors;

import io.llama4j.ModelFormatException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code model.safetensors.index.json} of a sharded checkpoint: which shard file holds each tensor.
 *
 * @param shards for each shard file name, in first-mention order, one tensor it should hold (for messages)
 */
record SafetensorsIndex(Path file, Map<String, String> weightMap, Map<String, String> shards) {
    static final String FILE_NAME = "model.safetensors.index.json";

    static SafetensorsIndex parse(Path file, String text) {
        JsonFields index = JsonFields.parse(file, text);
        JsonFields map = index.optionalObject("weight_map")
                .orElseThrow(() -> new ModelFormatException(file, "missing \"weight_map\""));
        Map<String, String> weightMap = new LinkedHashMap<>();
        Map<String, String> shards = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.members().entrySet()) {
            String tensor = (String) e.getKey();
            if (!(e.getValue() instanceof String shard) || !isPlainFileName(shard)) {
                throw new ModelFormatException(file, "weight_map entry for " + tensor + " is " + e.getValue()
                        + ", not a shard file name in the same folder");
            }
            weightMap.put(tensor, shard);
            shards.putIfAbsent(shard, tensor);
        }
        if (weightMap.isEmpty()) {
            throw new ModelFormatException(file, "weight_map is empty");
        }
        return new SafetensorsIndex(file, weightMap, shards);
    }

    /** Shards sit beside the index; a name reaching elsewhere (../, /) is not from a real checkpoint. */
    private static boolean isPlainFileName(String name) {
        return !name.isEmpty() && !name.contains("/") && !name.contains("\\") && !name.equals("..") && !name.equals(".");
    }
}
