package io.llama4j.examples.spring;

import io.llama4j.ChatReply;
import io.llama4j.Generation;
import io.llama4j.StopReason;
import io.llama4j.tokenizer.AssistantReply;

/**
 * An assistant turn as {@code /v1/chat/completions} reports it, however it was generated (freely, or as a
 * {@link ForcedToolCall}): the reply read as text or a call, its raw text, the token counts and why it ended.
 */
record Answer(AssistantReply reply, String text, int promptTokens, int completionTokens, StopReason stopReason) {

    static Answer of(ChatReply chat) {
        Generation g = chat.generation();
        return new Answer(chat.reply(), g.text(), g.promptIds().length, g.ids().length, g.stopReason());
    }
}
