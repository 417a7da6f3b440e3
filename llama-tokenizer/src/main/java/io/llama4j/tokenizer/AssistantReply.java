package io.llama4j.tokenizer;

/**
 * What a Llama 3.1 assistant turn turned out to be, from {@link ChatFormat#parseReply}.
 *
 * <pre>{@code
 * AssistantReply reply = ChatFormat.parseReply(generatedText);
 * if (reply instanceof AssistantReply.ToolCallReply call) {
 *     String result = runTool(call.call());              // then continue with ChatMessage.toolResult(result)
 * } else if (reply instanceof AssistantReply.Text text) {
 *     show(text.text());
 * }
 * }</pre>
 */
public sealed interface AssistantReply
        permits AssistantReply.Text, AssistantReply.ToolCallReply, AssistantReply.CodeInterpreterCall {

    /**
     * An ordinary answer.
     *
     * <pre>{@code
     * if (ChatFormat.parseReply(generated) instanceof AssistantReply.Text answer) {
     *     System.out.println(answer.text());
     * }
     * }</pre>
     */
    record Text(String text) implements AssistantReply {
    }

    /**
     * A call of a custom tool ({@code {"name": ..., "parameters": {...}}}, or {@code <function=name>{...}</function>})
     * or of a built-in tool ({@code brave_search.call(query="...")}, then {@code builtin} is true).
     *
     * <pre>{@code
     * if (ChatFormat.parseReply(generated) instanceof AssistantReply.ToolCallReply reply) {
     *     ToolCall call = reply.call();
     *     history.add(ChatMessage.toolCall(call));
     *     history.add(ChatMessage.toolResult(tools.run(call.name(), call.arguments())));
     * }
     * }</pre>
     */
    record ToolCallReply(ToolCall call, boolean builtin) implements AssistantReply {
    }

    /**
     * Python source for the code interpreter: {@code <|python_tag|>} followed by code that is no call.
     *
     * <pre>{@code
     * if (ChatFormat.parseReply(generated) instanceof AssistantReply.CodeInterpreterCall python) {
     *     String output = sandbox.run(python.code());
     *     history.add(ChatMessage.toolResult(output));
     * }
     * }</pre>
     */
    record CodeInterpreterCall(String code) implements AssistantReply {
    }
}
