package io.llama4j.tokenizer;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The Llama 3.1 Instruct prompt format, rendered exactly as the official chat template (HF
 * {@code tokenizer_config.json} of Llama-3.1-8B-Instruct) renders it: a system block that always carries
 * the knowledge-cutoff and date lines, custom tools (JSON definitions) in the first user message or in the
 * system message, built-in tools after "Environment: ipython", earlier tool calls and tool results.
 *
 * <pre>{@code
 * ChatFormat format = ChatFormat.llama31().withDate(LocalDate.of(2024, 9, 21));
 * int[] prompt = format.encode(tokenizer, List.of(ChatMessage.user("Hi")), true);   // starts with BOS
 * // ... generate until format.isStopToken(tokenizer, id) ...
 * AssistantReply reply = ChatFormat.parseReply(generatedText);
 * }</pre>
 *
 * <p>Immutable: the {@code with...} methods return a changed copy.
 */
public final class ChatFormat {
    /** The template's default when no date is given. */
    public static final String DEFAULT_DATE = "26 Jul 2024";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH);

    static final String BEGIN_OF_TEXT = "<|begin_of_text|>";
    static final String END_OF_TEXT = "<|end_of_text|>";
    static final String START_HEADER = "<|start_header_id|>";
    static final String END_HEADER = "<|end_header_id|>";
    static final String EOT = "<|eot_id|>";
    static final String EOM = "<|eom_id|>";
    static final String PYTHON_TAG = "<|python_tag|>";

    private static final String RESPOND_IN_FORMAT =
            "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument name and its value}.";

    private final String date;
    private final List<ToolDefinition> tools;          // null: no custom tools
    private final List<BuiltinTool> builtinTools;      // null: none (not even an empty list)
    private final boolean toolsInUserMessage;

    private ChatFormat(String date, List<ToolDefinition> tools, List<BuiltinTool> builtinTools,
                       boolean toolsInUserMessage) {
        this.date = date;
        this.tools = tools;
        this.builtinTools = builtinTools;
        this.toolsInUserMessage = toolsInUserMessage;
    }

    /** The template's defaults: date "26 Jul 2024", no tools, tools (once added) in the first user message. */
    public static ChatFormat llama31() {
        return new ChatFormat(DEFAULT_DATE, null, null, true);
    }

    /** "Today Date:" as Python's {@code strftime("%d %b %Y")} writes it, e.g. "21 Sep 2024". */
    public ChatFormat withDate(LocalDate today) {
        return withDateString(DATE.format(today));
    }

    /** "Today Date:" as free text (Meta's examples write "21 September 2024"). */
    public ChatFormat withDateString(String today) {
        return new ChatFormat(Objects.requireNonNull(today), tools, builtinTools, toolsInUserMessage);
    }

    /** Custom tools; an empty list still switches on "Environment: ipython" as in the template. */
    public ChatFormat withTools(List<ToolDefinition> customTools) {
        return new ChatFormat(date, List.copyOf(customTools), builtinTools, toolsInUserMessage);
    }

    public ChatFormat withBuiltinTools(BuiltinTool... builtin) {
        return new ChatFormat(date, tools, List.of(builtin), toolsInUserMessage);
    }

    /** Puts custom tool definitions into the system message instead of the first user message. */
    public ChatFormat withToolsInSystemMessage() {
        return new ChatFormat(date, tools, builtinTools, false);
    }

    /**
     * The prompt text, special tokens written as their text, starting with {@code <|begin_of_text|>}.
     *
     * @param addGenerationPrompt end with an open assistant header, for the model to answer
     * @throws IllegalArgumentException where the template raises an error (no messages; tools in the user
     *                                  message but no message to put them in)
     */
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return build(messages, addGenerationPrompt).render();
    }

    /**
     * The prompt as token ids, starting with BOS. Only the template's own special tokens are special:
     * special-token text inside messages is encoded as ordinary text, so it cannot end a turn early.
     */
    public int[] encode(LlamaTokenizer tokenizer, List<ChatMessage> messages, boolean addGenerationPrompt) {
        return build(messages, addGenerationPrompt).encode(tokenizer);
    }

    /**
     * The tokens that end the assistant's turn: {@code <|end_of_text|>}, {@code <|eom_id|>} (a tool call
     * awaits its result) and {@code <|eot_id|>}, those of them that the vocabulary has.
     */
    public static int[] stopTokens(LlamaTokenizer tokenizer) {
        IntList ids = new IntList(3);
        for (String stop : new String[] {END_OF_TEXT, EOM, EOT}) {
            int id = tokenizer.tokenId(stop);
            if (id >= 0) {
                ids.add(id);
            }
        }
        return ids.toArray();
    }

    public static boolean isStopToken(LlamaTokenizer tokenizer, int id) {
        for (int stop : stopTokens(tokenizer)) {
            if (stop == id) {
                return true;
            }
        }
        return false;
    }

    /** Reads the model's reply (decoded with special tokens as text) as text or a tool call. */
    public static AssistantReply parseReply(String generated) {
        return ToolCallParser.parse(generated);
    }

    private Prompt build(List<ChatMessage> messages, boolean addGenerationPrompt) {
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a conversation needs at least one message");
        }
        List<ChatMessage> rest = new ArrayList<>(messages);
        String systemMessage = "";
        if (rest.get(0) instanceof ChatMessage.Text && ((ChatMessage.Text) rest.get(0)).role() == Role.SYSTEM) {
            systemMessage = PythonStrings.strip(((ChatMessage.Text) rest.remove(0)).content());
        }

        Prompt prompt = new Prompt().special(BEGIN_OF_TEXT);
        header(prompt, "system");
        if (builtinTools != null || tools != null) {
            prompt.text("Environment: ipython\n");
        }
        if (builtinTools != null) {
            List<String> listed = new ArrayList<>();
            for (BuiltinTool tool : builtinTools) {
                if (tool != BuiltinTool.CODE_INTERPRETER) {
                    listed.add(tool.toolName());
                }
            }
            prompt.text("Tools: " + String.join(", ", listed) + "\n\n");
        }
        prompt.text("Cutting Knowledge Date: December 2023\n");
        prompt.text("Today Date: " + date + "\n\n");
        if (tools != null && !toolsInUserMessage) {
            prompt.text("You have access to the following functions. To call a function, please respond with JSON"
                    + " for a function call.");
            prompt.text(RESPOND_IN_FORMAT);
            prompt.text("Do not use variables.\n\n");
            appendTools(prompt);
        }
        prompt.text(systemMessage);
        prompt.special(EOT);

        if (toolsInUserMessage && tools != null) {
            if (rest.isEmpty()) {
                throw new IllegalArgumentException(
                        "Cannot put tools in the first user message when there's no first user message!");
            }
            ChatMessage first = rest.remove(0);
            if (!(first instanceof ChatMessage.Text)) {
                throw new IllegalArgumentException("the message after the system message must be text to carry the tools");
            }
            header(prompt, "user");
            prompt.text("Given the following functions, please respond with a JSON for a function call ");
            prompt.text("with its proper arguments that best answers the given prompt.\n\n");
            prompt.text(RESPOND_IN_FORMAT);
            prompt.text("Do not use variables.\n\n");
            appendTools(prompt);
            prompt.text(PythonStrings.strip(((ChatMessage.Text) first).content()));
            prompt.special(EOT);
        }

        for (ChatMessage message : rest) {
            if (message instanceof ChatMessage.Text) {
                ChatMessage.Text text = (ChatMessage.Text) message;
                header(prompt, text.role().headerName());
                prompt.text(PythonStrings.strip(text.content()));
                prompt.special(EOT);
            } else if (message instanceof ChatMessage.ToolCallRequest) {
                ToolCall call = ((ChatMessage.ToolCallRequest) message).call();
                header(prompt, "assistant");
                BuiltinTool builtin = BuiltinTool.named(call.name());
                if (builtinTools != null && builtin != null && builtinTools.contains(builtin)) {
                    prompt.special(PYTHON_TAG);
                    prompt.text(call.name() + ".call(");
                    boolean first = true;
                    for (Map.Entry<String, Object> argument : call.arguments().entrySet()) {
                        if (!(argument.getValue() instanceof String)) {
                            // The template concatenates the value as a string; Jinja fails on anything else.
                            throw new IllegalArgumentException("built-in tool arguments must be strings: "
                                    + argument.getKey() + "=" + argument.getValue());
                        }
                        prompt.text((first ? "" : ", ") + argument.getKey() + "=\"" + argument.getValue() + "\"");
                        first = false;
                    }
                    prompt.text(")");
                } else {
                    prompt.text("{\"name\": \"" + call.name() + "\", ");
                    prompt.text("\"parameters\": ");
                    prompt.text(call.argumentsJson());
                    prompt.text("}");
                }
                // With built-in tools the model is in ipython mode, where a call ends the message, not the turn.
                prompt.special(builtinTools != null ? EOM : EOT);
            } else {
                header(prompt, "ipython");
                // The template JSON-encodes content that "is mapping or is iterable"; in Jinja a string is
                // iterable too, so a string result is written as a JSON string literal, quotes included.
                prompt.text(JsonWriter.write(((ChatMessage.ToolResult) message).content()));
                prompt.special(EOT);
            }
        }
        if (addGenerationPrompt) {
            header(prompt, "assistant");
        }
        return prompt;
    }

    private void appendTools(Prompt prompt) {
        for (ToolDefinition tool : tools) {
            prompt.text(tool.toPrettyJson());
            prompt.text("\n\n");
        }
    }

    private static void header(Prompt prompt, String role) {
        prompt.special(START_HEADER).text(role).special(END_HEADER).text("\n\n");
    }
}
