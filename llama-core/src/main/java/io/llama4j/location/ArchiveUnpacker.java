package io.llama4j.location;

import io.llama4j.ModelFormatException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * Unpacks a compressed archive into a folder, checking that every file comes out at the size its entry
 * declares (a truncated download fails here rather than as a corrupt model later).
 */
final class ArchiveUnpacker {
    private ArchiveUnpacker() {
    }

    static void unpack(Path archive, ArchiveKind kind, Path into, LoadProgress progress) {
        try {
            switch (kind) {
                case ZIP -> unzip(archive, into, progress);
                case TAR, TAR_GZ -> untar(archive, kind, into, progress);
            }
        } catch (IOException e) {
            throw new ModelFormatException(archive, "cannot unpack: " + e.getMessage(), e);
        }
    }

    private static void unzip(Path archive, Path into, LoadProgress progress) throws IOException {
        try (ZipFile zip = ZipFile.builder().setPath(archive).get()) {
            long total = 0;
            for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
                total += Math.max(0, e.getSize());
            }
            long done = 0;
            for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
                if (e.isDirectory()) {
                    continue;
                }
                try (InputStream in = zip.getInputStream(e)) {
                    done += write(archive, e, in, into);
                }
                progress.update(archive.getFileName().toString(), done, total);
            }
        }
    }

    private static void untar(Path archive, ArchiveKind kind, Path into, LoadProgress progress) throws IOException {
        long total = Files.size(archive);
        try (CountingStream raw = new CountingStream(Files.newInputStream(archive));
             InputStream decompressed = kind == ArchiveKind.TAR_GZ ? new GzipCompressorInputStream(raw) : raw;
             TarArchiveInputStream tar = new TarArchiveInputStream(decompressed)) {
            for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.isFile()) {
                    write(archive, e, tar, into);
                    // Compressed bytes read against the archive's size: the only total known up front.
                    progress.update(archive.getFileName().toString(), raw.count, total);
                }
            }
        }
    }

    private static long write(Path archive, ArchiveEntry entry, InputStream in, Path into) throws IOException {
        String name = ModelRoot.safeName(archive, entry.getName());
        Path target = into.resolve(name).normalize();
        if (!target.startsWith(into)) {
            throw new ModelFormatException(archive, "entry \"" + entry.getName() + "\" points outside the archive");
        }
        Files.createDirectories(target.getParent());
        long written;
        try (OutputStream out = Files.newOutputStream(target)) {
            written = in.transferTo(out);
        }
        if (entry.getSize() >= 0 && written != entry.getSize()) {
            throw new ModelFormatException(archive, "entry " + name + " unpacked to " + written + " bytes, but the "
                    + "archive declares " + entry.getSize() + " (truncated archive?)");
        }
        return written;
    }

    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            count += b >= 0 ? 1 : 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            count += Math.max(0, n);
            return n;
        }
    }
}
