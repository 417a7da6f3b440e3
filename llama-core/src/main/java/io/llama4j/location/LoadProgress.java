package io.llama4j.location;

/** Reports a long preparation step (unpacking an archive, downloading a model). */
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
