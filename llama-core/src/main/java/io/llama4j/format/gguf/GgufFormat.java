package io.llama4j.format.gguf;

import io.llama4j.spi.ModelFormat;
import io.llama4j.spi.ModelSource;
import io.llama4j.spi.ModelSpec;
import io.llama4j.spi.OpenedModel;
import io.llama4j.tokenizer.LlamaTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * GGUF files: the catch-all for plain files, so that a corrupt file is reported by the GGUF reader.
 *
 * <pre>{@code
 * ModelFormat gguf = new GgufFormat();   // LlamaModel.load finds it through ServiceLoader
 * if (gguf.accepts(path)) {
 *     try (OpenedModel opened = gguf.open(path)) {
 *         System.out.println(opened.source().spec());
 *     }
 * }
 * }</pre>
 */
public final class GgufFormat implements ModelFormat {
    @Override
    public String name() {
        return "gguf";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public boolean accepts(Path location) {
        return !Files.isDirectory(location);
    }

    @Override
    public OpenedModel open(Path location) {
        return open(location, GgufFile.open(location));
    }

    /** Opens a GGUF that lies inside another file (an entry of an uncompressed tar), mapped in place. */
    public static OpenedModel open(io.llama4j.format.FileRegion region) {
        return new GgufFormat().open(region.name(), GgufFile.open(region));
    }

    private OpenedModel open(Path location, GgufFile file) {
        try {
            ModelSpec spec = LlamaGguf.spec(file);
            LlamaTokenizer tokenizer = LlamaGguf.tokenizer(file);
            return new OpenedModel(new ModelSource(location, name(), spec, file), tokenizer, LlamaGguf.addsBos(file), file);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }
}
