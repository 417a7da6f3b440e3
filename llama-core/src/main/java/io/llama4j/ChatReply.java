package io.llama4j;

import io.llama4j.tokenizer.AssistantReply;

/**
 * One assistant turn of {@link Session#chat(java.util.List, GenerationOptions, java.util.function.Consumer)}.
 *
 * @param reply      the turn as text or a typed tool call
 * @param generation how it was generated: tokens, stop reason, speed, and how many prompt tokens were reused
 *
 * <pre>{@code
 * ChatReply turn = session.chat(List.of(ChatMessage.user("Hi")), GenerationOptions.defaults(), System.out::print);
 * if (turn.reply() instanceof AssistantReply.ToolCallReply call) { ... }
 * int reused = turn.generation().reusedPromptTokens();
 * }</pre>
 */
public record ChatReply(AssistantReply reply, Generation generation) {
}
