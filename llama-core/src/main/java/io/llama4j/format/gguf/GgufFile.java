package io.llama4j.format.gguf;

import io.llama4j.spi.ModelWeights;
import io.llama4j.spi.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An opened GGUF file: its metadata, and its tensors as views over the mapped file. Owns the mapping:
 * closing it unmaps the file, after which no tensor of it may be touched.
 *
 * <pre>{@code
 * try (GgufFile file = GgufFile.open(Path.of("Llama-3.2-1B-Instruct-Q8_0.gguf"))) {
 *     String architecture = file.metadata().string("general.architecture");   // "llama"
 *     Tensor embedding = file.find("token_embd.weight").orElseThrow();
 *     System.out.println(architecture + " " + embedding.type() + " " + embedding.rows() + " rows");
 * }
 * }</pre>
 */
public final class GgufFile implements ModelWeights, AutoCloseable {
    private final Path path;
    private final int version;
    private final GgufMetadata metadata;
    private final Map<String, GgufTensorInfo> tensorInfos;
    private final Map<String, Tensor> tensors;
    private final Arena arena;

    GgufFile(Path path, int version, GgufMetadata metadata, Map<String, GgufTensorInfo> infos,
             MemorySegment dataSection, Arena arena) {
        this.path = path;
        this.version = version;
        this.metadata = metadata;
        this.tensorInfos = Collections.unmodifiableMap(new LinkedHashMap<>(infos));
        this.arena = arena;
        Map<String, Tensor> views = new LinkedHashMap<>();
        for (GgufTensorInfo info : infos.values()) {
            views.put(info.name(), new Tensor(info.name(), info.type(), info.shape(),
                    dataSection.asSlice(info.offset(), info.size())));
        }
        this.tensors = Collections.unmodifiableMap(views);
    }

    /** Opens and validates a GGUF file (see {@link GgufReader}). */
    public static GgufFile open(Path path) {
        return GgufReader.open(path);
    }

    /** Opens a GGUF stored inside a bigger file (an uncompressed archive), mapped in place. */
    public static GgufFile open(io.llama4j.format.FileRegion region) {
        return GgufReader.open(region.file(), region.offset(), region.length(), region.name());
    }

    public Path path() {
        return path;
    }

    /** The GGUF format version (2 or 3). */
    public int version() {
        return version;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    @Override
    public Optional<Tensor> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    @Override
    public void close() {
        io.llama4j.format.ArenaRelease.close(arena);
    }
}
