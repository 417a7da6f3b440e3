package io.llama4j.location;

/**
 * Reports a long preparation step (unpacking an archive, downloading a model).
 *
 * <pre>{@code
 * LoadProgress bar = (what, done, total) -> System.err.printf("\r%s %d%%", what, total > 0 ? done * 100 / total : 0);
 * Path model = ModelCache.defaultCache().withProgress(bar).fetch(URI.create("https://example.org/m.tar.gz"));
 * }</pre>
 */
@FunctionalInterface
public interface LoadProgress {
    LoadProgress NONE = (what, done, total) -> { };

    /**
     * @param what  the file being worked on
     * @param done  bytes done so far
     * @param total bytes in all, or -1 when unknown
     */
    void update(String what, long done, long total);
}
