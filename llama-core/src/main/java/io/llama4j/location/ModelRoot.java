package io.llama4j.location;

import io.llama4j.UnsupportedModelException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where the model is among the files of an archive: the shallowest folder holding an HF checkpoint
 * ({@code config.json} with {@code model.safetensors} or its shard index), or else its one GGUF file.
 *
 * @param path   the folder prefix ({@code ""} or ending in {@code /}) or the GGUF file's name
 * @param isGguf whether it is a GGUF file rather than an HF folder
 */
record ModelRoot(String path, boolean isGguf) {

    /** @param names every regular file, {@code /}-separated, relative to the archive's root */
    static ModelRoot find(Path archive, Collection<String> names) {
        Optional<String> hf = names.stream()
                .filter(n -> n.equals("config.json") || n.endsWith("/config.json"))
                .map(n -> n.substring(0, n.length() - "config.json".length()))
                .filter(dir -> names.contains(dir + "model.safetensors") || names.contains(dir + "model.safetensors.index.json"))
                .min(Comparator.comparingInt(String::length));
        if (hf.isPresent()) {
            return new ModelRoot(hf.get(), false);
        }
        List<String> ggufs = names.stream().filter(n -> n.endsWith(".gguf")).sorted().toList();
        if (ggufs.size() == 1) {
            return new ModelRoot(ggufs.getFirst(), true);
        }
        if (ggufs.isEmpty()) {
            throw new UnsupportedModelException(archive, "holds no model: neither a GGUF file nor a folder with "
                    + "config.json and model.safetensors (or model.safetensors.index.json)");
        }
        throw new UnsupportedModelException(archive, "holds several GGUF files, cannot choose: " + ggufs);
    }

    /** Entry names in an archive are untrusted: refuse any that would land outside the unpack folder. */
    static String safeName(Path archive, String raw) {
        String name = raw.replace('\\', '/');
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        if (name.startsWith("/") || name.contains("\0") || List.of(name.split("/")).contains("..")) {
            throw new io.llama4j.ModelFormatException(archive, "entry \"" + raw + "\" points outside the archive");
        }
        return name;
    }
}
