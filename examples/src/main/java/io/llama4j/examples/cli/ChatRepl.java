package io.llama4j.examples.cli;

import io.llama4j.ContextOverflowException;
import io.llama4j.Generation;
import io.llama4j.GenerationOptions;
import io.llama4j.Session;
import io.llama4j.StopReason;
import io.llama4j.tokenizer.ChatMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The read-eval-print loop of {@code chat}: each line is a user message whose reply streams to {@code out}
 * as it is generated, followed by a line break. The session keeps the conversation, so each turn evaluates
 * only its own tokens. Notes and prompts go to {@code err}, so that {@code out} holds the replies alone.
 */
final class ChatRepl {
    static final String HELP = "commands: /reset (forget the conversation), /system TEXT (new system prompt, "
            + "new conversation; /system alone removes it), /history (the conversation so far), /help, /exit";

    private final Session session;
    private final GenerationOptions options;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private String systemPrompt;
    /** The system prompt is sent with the first message of a conversation, where the chat format puts it. */
    private boolean conversationStarted;
    /** The turns of this conversation as the user sees them, for /history. */
    private final List<String> history = new ArrayList<>();

    ChatRepl(Session session, GenerationOptions options, String systemPrompt, PrintStream out, PrintStream err,
             boolean interactive) {
        this.session = session;
        this.options = options;
        this.systemPrompt = systemPrompt;
        this.out = out;
        this.err = err;
        this.interactive = interactive;
    }

    /** Reads lines until the end of input or {@code /exit}. */
    void run(BufferedReader in) throws IOException {
        prompt();
        String line;
        while ((line = in.readLine()) != null) {
            if (!handle(line)) {
                return;
            }
            prompt();
        }
    }

    /** Handles one line; false when the user asked to leave. */
    private boolean handle(String line) {
        String text = line.strip();
        if (text.isEmpty()) {
            return true;
        }
        if (!text.startsWith("/")) {
            reply(line);
            return true;
        }
        String command = text.split("\\s+", 2)[0];
        String argument = text.substring(command.length()).strip();
        switch (command) {
            case "/exit", "/quit" -> {
                return false;
            }
            case "/reset" -> startOver();
            case "/system" -> {
                systemPrompt = argument.isEmpty() ? null : argument;
                startOver();
            }
            case "/history" -> printHistory();
            case "/help" -> err.println(HELP);
            default -> err.println("llama4j: unknown command " + command + "; " + HELP);
        }
        return true;
    }

    private void startOver() {
        session.reset();
        conversationStarted = false;
        history.clear();
    }

    private void printHistory() {
        if (systemPrompt != null) {
            err.println("system: " + systemPrompt);
        }
        if (history.isEmpty()) {
            err.println("(no turns yet)");
        }
        history.forEach(err::println);
    }

    private void reply(String userMessage) {
        List<ChatMessage> turn = new ArrayList<>(2);
        if (!conversationStarted && systemPrompt != null) {
            turn.add(ChatMessage.system(systemPrompt));
        }
        turn.add(ChatMessage.user(userMessage));
        Generation g;
        try {
            g = session.chat(turn, options, piece -> {
                out.print(piece);
                out.flush();
            }).generation();
        } catch (ContextOverflowException e) {
            // The session did not take the turn: the conversation is as it was, and /reset makes room.
            err.println("llama4j: " + e.getMessage() + "; /reset to start over");
            return;
        }
        conversationStarted = true;
        history.add("user: " + userMessage);
        history.add("assistant: " + g.text());
        out.println();
        out.flush();
        if (g.stopReason() == StopReason.CONTEXT_FULL) {
            err.println("llama4j: the context is full, the reply was cut short; /reset to start over");
        } else if (g.stopReason() == StopReason.MAX_TOKENS) {
            err.println("llama4j: the reply reached --max-tokens and was cut short");
        }
    }

    private void prompt() {
        if (interactive) {
            err.print("> ");
            err.flush();
        }
    }
}
