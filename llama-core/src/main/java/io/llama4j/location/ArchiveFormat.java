package io.llama4j.location;

import io.llama4j.format.gguf.GgufFormat;
import io.llama4j.format.safetensors.HfFolderFormat;
import io.llama4j.spi.ModelFormat;
import io.llama4j.spi.OpenedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A model folder or GGUF file inside a {@code .tar}, {@code .tar.gz}, {@code .tgz} or {@code .zip}. An
 * uncompressed tar is read in place: its entries are stored whole, so the weights are mapped at their
 * offsets in the archive, with no copy. Compressed archives cannot be mapped, so they are unpacked once
 * into the {@link ModelCache} and the unpacked copy is used from then on.
 *
 * <pre>{@code
 * // Through LlamaModel.load, which finds this format with ServiceLoader:
 * LlamaModel model = LlamaModel.load(Path.of("Llama-3.2-1B-Instruct.tar.gz"));
 * // Or directly, unpacking into a cache of one's choice:
 * OpenedModel opened = ArchiveFormat.open(Path.of("model.zip"), ModelCache.at(Path.of("/tmp/llama4j-cache")));
 * }</pre>
 */
public final class ArchiveFormat implements ModelFormat {
    @Override
    public String name() {
        return "archive";
    }

    @Override
    public int priority() {
        return 20;
    }

    @Override
    public boolean accepts(Path location) {
        return Files.isRegularFile(location) && ArchiveKind.of(location).isPresent();
    }

    @Override
    public OpenedModel open(Path location) {
        return open(location, ModelCache.defaultCache());
    }

    /** Opens the model in {@code archive}, unpacking into {@code cache} when it cannot be read in place. */
    public static OpenedModel open(Path archive, ModelCache cache) {
        if (ArchiveKind.of(archive).orElseThrow() == ArchiveKind.TAR) {
            TarIndex index = TarIndex.read(archive);
            if (index.inPlace()) {
                ModelRoot root = ModelRoot.find(archive, index.files().keySet());
                if (root.isGguf()) {
                    return GgufFormat.open(index.files().get(root.path()));
                }
                Path location = Path.of(archive + "!/" + root.path());
                return HfFolderFormat.open(location, name -> Optional.ofNullable(index.files().get(root.path() + name)));
            }
        }
        Path folder = cache.unpack(archive);
        ModelRoot root = ModelRoot.find(archive, relativeFiles(folder));
        Path model = folder.resolve(root.path());
        return root.isGguf() ? new GgufFormat().open(model) : new HfFolderFormat().open(model);
    }

    private static List<String> relativeFiles(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> folder.relativize(p).toString().replace('\\', '/'))
                    .toList();
        } catch (IOException e) {
            throw new io.llama4j.ModelFormatException(folder, "cannot list: " + e.getMessage(), e);
        }
    }

}
