package io.llama4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The load progress bar: its drawing, and how often it reports when stderr is not a terminal. */
class LoadProgressBarShowsTheFractionDone {

    @Test
    void theBarIsFilledInProportionToTheBytesDone() {
        assertEquals("llama4j: [                              ]   0% 0.0 MB of 2.0 MB m.gguf",
                LoadProgressBar.render("m.gguf", 0, 2_000_000));
        assertEquals("llama4j: [###############               ]  50% 1.0 MB of 2.0 MB m.gguf",
                LoadProgressBar.render("m.gguf", 1_000_000, 2_000_000));
        assertEquals("llama4j: [##############################] 100% 2.0 MB of 2.0 MB m.gguf",
                LoadProgressBar.render("m.gguf", 2_000_000, 2_000_000));
        assertEquals("llama4j: 3.5 MB m.gguf", LoadProgressBar.render("m.gguf", 3_500_000, -1), "unknown total");
    }

    @Test
    void withoutATerminalItWritesOneLinePerTenth() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        LoadProgressBar bar = new LoadProgressBar(new PrintStream(err, true, StandardCharsets.UTF_8), false);
        for (long done = 0; done <= 1000; done += 7) {
            bar.update("model.tar.gz", done, 1000);
        }
        bar.update("model.tar.gz", 1000, 1000);
        List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(11, lines.size(), String.join("\n", lines));
        assertTrue(lines.getLast().contains("100%"), lines.getLast());
        assertTrue(lines.stream().noneMatch(l -> l.contains("\r")));
    }
}
