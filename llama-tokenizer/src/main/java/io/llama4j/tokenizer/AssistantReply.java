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

    /** An ordinary answer. */
    record Text(String text) implements AssistantReply {
    }

    /**
     * A call of a custom tool ({@code {"name": ..., "parameters": {...}}}, or {@code <function=name>{...}</function>})
     * or of a built-in tool ({@code brave_search.call(query="...")}, then {@code builtin} is true).
     */
    record ToolCallReply(ToolCall call, boolean builtin) implements AssistantReply {
    }

    /** Python source for the code interpreter: {@code <|python_tag|>} followed by code that is no call. */
    record CodeInterpreterCall(String code) implements AssistantReply {
    }
}
