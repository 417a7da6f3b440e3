package io.llama4j.examples.cli;

import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.location.LoadProgress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The progress of a model being fetched, unpacked or copied out of a jar, on stderr. On a terminal it is one
 * bar redrawn in place ({@code \r}); otherwise (a log file, a test) one line per tenth, so logs stay short.
 * Only the byte-counting steps of {@link io.llama4j.location.ModelCache} report a fraction; mapping the model
 * itself is shown by {@link #loading}, which counts seconds because the loader reports no fraction.
 */
final class LoadProgressBar implements LoadProgress {
    private static final int WIDTH = 30;

    private final PrintStream err;
    private final boolean terminal;
    private String current;
    private long lastTenth = -1;
    private long lastDrawNanos;

    LoadProgressBar(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public synchronized void update(String what, long done, long total) {
        if (!what.equals(current)) {
            current = what;
            lastTenth = -1;
        }
        if (terminal) {
            long now = System.nanoTime();
            boolean finished = total > 0 && done >= total;
            if (!finished && now - lastDrawNanos < 100_000_000L) {
                return;
            }
            lastDrawNanos = now;
            err.print("\r" + render(what, done, total));
            if (finished) {
                err.println();
            }
            err.flush();
            return;
        }
        long tenth = total > 0 ? done * 10 / total : -1;
        if (tenth != lastTenth) {
            lastTenth = tenth;
            err.println(render(what, done, total));
        }
    }

    /** One line: {@code llama4j: [#########           ] 31%  12.0 of 38.5 MB  NAME}. */
    static String render(String what, long done, long total) {
        if (total <= 0) {
            return String.format(Locale.ROOT, "llama4j: %s %s", megabytes(done), what);
        }
        long clamped = Math.max(0, Math.min(done, total));
        int filled = (int) (clamped * WIDTH / total);
        return String.format(Locale.ROOT, "llama4j: [%s%s] %3d%% %s of %s %s", "#".repeat(filled),
                " ".repeat(WIDTH - filled), clamped * 100 / total, megabytes(clamped), megabytes(total), what);
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }

    /**
     * Shows that {@code name} is being loaded until the returned handle is closed: on a terminal a line that
     * counts seconds, elsewhere nothing (the caller prints the outcome).
     */
    Loading loading(String name) {
        if (!terminal) {
            return () -> { };
        }
        long start = System.nanoTime();
        Thread ticker = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    err.printf(Locale.ROOT, "\rllama4j: loading %s %.1f s", name, (System.nanoTime() - start) / 1e9);
                    err.flush();
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return () -> {
            ticker.interrupt();
            try {
                ticker.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.print("\r\033[K");
            err.flush();
        };
    }

    /** {@link LlamaModel#load(Path, LoadOptions)} with the "loading" line shown meanwhile. */
    LlamaModel load(Path path, LoadOptions options) {
        try (Loading shown = loading(String.valueOf(path.getFileName()))) {
            return LlamaModel.load(path, options);
        }
    }

    /** Ends the "loading" line. */
    interface Loading extends AutoCloseable {
        @Override
        void close();
    }
}
