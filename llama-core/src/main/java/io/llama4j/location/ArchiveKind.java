package io.llama4j.location;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The archive formats a model may come in, told apart by file name as users name them. */
enum ArchiveKind {
    /** Uncompressed: entries are stored whole and can be mapped where they lie. */
    TAR(".tar"),
    TAR_GZ(".tar.gz", ".tgz"),
    ZIP(".zip");

    private final String[] suffixes;

    ArchiveKind(String... suffixes) {
        this.suffixes = suffixes;
    }

    static Optional<ArchiveKind> of(Path file) {
        Path name = file.getFileName();
        if (name == null) {
            return Optional.empty();
        }
        String lower = name.toString().toLowerCase(Locale.ROOT);
        for (ArchiveKind kind : values()) {
            for (String suffix : kind.suffixes) {
                if (lower.endsWith(suffix)) {
                    return Optional.of(kind);
                }
            }
        }
        return Optional.empty();
    }
}
