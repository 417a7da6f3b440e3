package io.llama4j.location;

import io.llama4j.ModelFormatException;
import io.llama4j.format.FileRegion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * The regular files of an uncompressed tar and where each one's bytes lie in it. A tar stores every file
 * whole and contiguous after its header, so the model inside can be mapped in place with no copy.
 *
 * @param files    by {@code /}-separated name: the region of the archive holding the file
 * @param inPlace  false when some file is stored sparse (holes not in the archive), so it must be unpacked
 */
record TarIndex(Map<String, FileRegion> files, boolean inPlace) {

    static TarIndex read(Path archive) {
        Map<String, FileRegion> files = new LinkedHashMap<>();
        boolean inPlace = true;
        try (TarFile tar = new TarFile(archive)) {
            for (TarArchiveEntry entry : tar.getEntries()) {
                if (!entry.isFile()) {
                    continue;
                }
                String name = ModelRoot.safeName(archive, entry.getName());
                if (entry.isSparse() || entry.getDataOffset() < 0) {
                    inPlace = false;
                }
                files.put(name, new FileRegion(archive, Math.max(0, entry.getDataOffset()), entry.getSize(),
                        Path.of(archive + "!/" + name)));
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof ModelFormatException m) {
                throw m;
            }
            throw new ModelFormatException(archive, "not a readable tar archive: " + e.getMessage(), e);
        }
        return new TarIndex(files, inPlace);
    }
}
