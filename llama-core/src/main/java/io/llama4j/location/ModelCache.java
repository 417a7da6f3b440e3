package io.llama4j.location;

import io.llama4j.LlamaException;
import io.llama4j.ModelFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The folder where models that need preparing are kept: compressed archives unpacked once, downloads.
 * Everything is written under a temporary name and renamed into place when complete, so an interrupted
 * run never leaves something that looks finished; the next run reuses what is there.
 *
 * <p>The default folder is the system property {@code llama4j.cache}, else {@code $XDG_CACHE_HOME/llama4j},
 * else {@code ~/.cache/llama4j}.
 *
 * <pre>{@code
 * Path local = ModelCache.defaultCache()
 *         .withProgress((what, done, total) -> System.err.printf("%s %d/%d%n", what, done, total))
 *         .fetch(URI.create("https://example.org/model.gguf#sha256=..."));
 * try (LlamaModel model = LlamaModel.load(local)) { ... }
 * }</pre>
 */
public final class ModelCache {
    private final Path folder;
    private final LoadProgress progress;

    private ModelCache(Path folder, LoadProgress progress) {
        this.folder = folder.toAbsolutePath();
        this.progress = progress;
    }

    public static ModelCache defaultCache() {
        String configured = System.getProperty("llama4j.cache");
        if (configured != null && !configured.isBlank()) {
            return at(Path.of(configured));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return at(base.resolve("llama4j"));
    }

    public static ModelCache at(Path folder) {
        return new ModelCache(folder, LoadProgress.NONE);
    }

    /** This cache, reporting unpacking and downloading to {@code progress}. */
    public ModelCache withProgress(LoadProgress progress) {
        return new ModelCache(folder, progress == null ? LoadProgress.NONE : progress);
    }

    public Path folder() {
        return folder;
    }

    LoadProgress progress() {
        return progress;
    }

    /**
     * The folder holding the unpacked contents of a compressed archive ({@code .tar.gz}, {@code .tgz},
     * {@code .zip}, or a {@code .tar} that cannot be mapped in place), unpacking it the first time. The
     * archive is recognised by its path, size and modification time: a changed archive is unpacked anew.
     */
    public Path unpack(Path archive) {
        ArchiveKind kind = ArchiveKind.of(archive)
                .orElseThrow(() -> new ModelFormatException(archive, "not an archive this cache unpacks (.tar, .tar.gz, .tgz, .zip)"));
        Path target;
        try {
            String identity = archive.toRealPath() + "\n" + Files.size(archive) + "\n" + Files.getLastModifiedTime(archive).toMillis();
            target = folder.resolve("unpacked").resolve(archive.getFileName() + "-" + shortHash(identity));
        } catch (IOException e) {
            throw new ModelFormatException(archive, "cannot read: " + e.getMessage(), e);
        }
        if (Files.isDirectory(target)) {
            return target;
        }
        Path partial = null;
        try {
            Files.createDirectories(target.getParent());
            partial = Files.createTempDirectory(target.getParent(), ".partial-");
            ArchiveUnpacker.unpack(archive, kind, partial, progress);
            publish(partial, target);
            partial = null;
            return target;
        } catch (IOException e) {
            throw new ModelFormatException(archive, "cannot unpack into " + folder + ": " + e.getMessage(), e);
        } finally {
            if (partial != null) {
                deleteTree(partial);
            }
        }
    }

    /**
     * A local path for a model location: {@code file:} as it is; {@code http(s):} downloaded into the cache
     * (resumed if interrupted, checked against {@code #sha256=HEX} when given) and reused; {@code jar:} and
     * {@code classpath:} resources (a file, or a folder such as an HF checkpoint) copied out of their jar once.
     */
    public Path fetch(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "file" -> Path.of(uri);
            case "http", "https" -> download(uri);
            case "classpath" -> fetch(classPathResource(uri));
            case "jar" -> copyOutOfJar(uri);
            default -> throw new LlamaException(uri + ": unsupported scheme (file, http, https, jar, classpath are)");
        };
    }

    private Path download(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        Path target = folder.resolve("downloads").resolve(shortHash(uri.getScheme() + ":" + uri.getRawSchemeSpecificPart()))
                .resolve(name.isEmpty() ? "model" : name);
        if (Files.exists(target)) {
            return target;
        }
        try {
            Files.createDirectories(target.getParent());
            HttpDownload.download(uri, target, progress);
            return target;
        } catch (IOException e) {
            throw new LlamaException(uri + ": download failed: " + e.getMessage(), e);
        }
    }

    private static URI classPathResource(URI uri) {
        String name = uri.getSchemeSpecificPart();
        while (name.startsWith("/")) {
            name = name.substring(1);
        }
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        URL url = loader == null ? null : loader.getResource(name);
        if (url == null) {
            url = ModelCache.class.getClassLoader().getResource(name);
        }
        if (url == null) {
            throw new LlamaException(uri + ": no such resource on the class path");
        }
        try {
            return url.toURI();
        } catch (URISyntaxException e) {
            throw new LlamaException(uri + ": resource URL " + url + " is not a URI", e);
        }
    }

    /** A jar's entries are usually deflated, so a model inside one is copied out (once) rather than mapped. */
    private Path copyOutOfJar(URI uri) {
        String spec = uri.getRawSchemeSpecificPart();
        int bang = spec.indexOf("!/");
        if (bang < 0) {
            throw new LlamaException(uri + ": a jar: URI needs !/ and the entry inside the jar");
        }
        Path jar = Path.of(URI.create(spec.substring(0, bang)));
        String entry = URI.create("x:" + spec.substring(bang + 1)).getSchemeSpecificPart();
        String entryName = entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry;
        Path target;
        try {
            String identity = jar.toRealPath() + "\n" + Files.size(jar) + "\n" + Files.getLastModifiedTime(jar).toMillis() + "\n" + entryName;
            target = folder.resolve("resources").resolve(shortHash(identity)).resolve(Path.of(entryName).getFileName().toString());
        } catch (IOException e) {
            throw new ModelFormatException(jar, "cannot read: " + e.getMessage(), e);
        }
        if (Files.exists(target)) {
            return target;
        }
        try (FileSystem fs = FileSystems.newFileSystem(jar)) {
            Path source = fs.getPath(entryName);
            if (!Files.exists(source)) {
                throw new ModelFormatException(jar, "no entry " + entryName);
            }
            Files.createDirectories(target.getParent());
            Path partial = Files.createTempDirectory(target.getParent(), ".partial-");
            try {
                Path copy = partial.resolve("copy");
                try (Stream<Path> tree = Files.walk(source)) {
                    for (Path p : tree.toList()) {
                        Path to = copy.resolve(source.relativize(p).toString());
                        if (Files.isDirectory(p)) {
                            Files.createDirectories(to);
                        } else {
                            Files.createDirectories(to.getParent());
                            Files.copy(p, to);
                        }
                    }
                }
                publish(copy, target);
            } finally {
                deleteTree(partial);
            }
            return target;
        } catch (IOException e) {
            throw new ModelFormatException(jar, "cannot copy " + entryName + " out of the jar: " + e.getMessage(), e);
        }
    }

    /** Renames a finished folder or file into place; if another process got there first, theirs is kept. */
    static void publish(Path finished, Path target) throws IOException {
        try {
            Files.move(finished, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            deleteTree(finished);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(finished, target);
        }
    }

    static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // best effort: a leftover temporary folder is harmless and named as such
        }
    }
}
