package io.llama4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.Session;
import io.llama4j.tokenizer.ChatMessage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code chat}: a conversation read line by line from stdin, replies on stdout, commands starting with /. */
class ChatConversesOverStdin {
    private static final int MAX_TOKENS = 6;

    private record Run(int status, String out, String err) {
    }

    private static Run run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new BufferedReader(new StringReader(stdin)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path model() {
        Path p = Path.of(System.getProperty("llama4j.fixtures"), "tiny-Q8_0.gguf");
        if (!Files.exists(p)) {
            fail("missing fixture " + p.toAbsolutePath().normalize());
        }
        return p;
    }

    private static Run chat(String stdin) {
        return run(stdin, "chat", "--model", model().toString(), "--temperature", "0",
                "--max-tokens", String.valueOf(MAX_TOKENS), "--context", "512", "--threads", "2");
    }

    /** What the library answers to each turn of one conversation, greedily. */
    private static String[] replies(LlamaModel model, List<List<ChatMessage>> turns) {
        try (Session session = model.newSession(512)) {
            String[] replies = new String[turns.size()];
            for (int i = 0; i < turns.size(); i++) {
                replies[i] = session.chat(turns.get(i), GenerationOptions.greedy(MAX_TOKENS), piece -> { }).generation().text();
            }
            return replies;
        }
    }

    @Test
    void eachLineIsATurnOfOneConversationUntilResetOrNewSystemPrompt() {
        String[] first;
        String[] afterReset;
        String[] withSystem;
        try (LlamaModel model = LlamaModel.load(model(), LoadOptions.defaults().withThreads(2))) {
            first = replies(model, List.of(List.of(ChatMessage.user("Hello")), List.of(ChatMessage.user("How are you?"))));
            afterReset = replies(model, List.of(List.of(ChatMessage.user("Hello"))));
            withSystem = replies(model, List.of(List.of(ChatMessage.system("Be terse."), ChatMessage.user("Hello"))));
        }
        Run r = chat("Hello\nHow are you?\n\n/reset\nHello\n/system Be terse.\nHello\n/exit\nNot answered\n");
        assertEquals(0, r.status(), r.err());
        String expected = first[0] + "\n" + first[1] + "\n" + afterReset[0] + "\n" + withSystem[0] + "\n";
        assertEquals(expected, r.out());
    }

    @Test
    void anUnknownCommandIsReportedAndTheConversationGoesOn() {
        Run r = chat("/bogus\n/help\n");
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().contains("unknown command /bogus"), r.err());
        assertTrue(r.err().contains("/reset"), r.err());
    }

    @Test
    void aWrongFlagIsOneLineAndExitTwo() {
        Run r = run("", "chat", "--model", model().toString(), "--bogus");
        assertEquals(2, r.status());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("--bogus"), r.err());
        Run missing = run("", "chat", "--model", "absent.gguf");
        assertEquals(2, missing.status());
        assertEquals(1, missing.err().strip().lines().count(), missing.err());
    }

    @Test
    void everyCommandPrintsItsUsageOnHelp() {
        for (String command : List.of("generate", "chat", "tokenize")) {
            Run r = run("", command, "--help");
            assertEquals(0, r.status(), command + ": " + r.err());
            assertTrue(r.out().startsWith("usage: " + command), command + ": " + r.out());
        }
    }
}
