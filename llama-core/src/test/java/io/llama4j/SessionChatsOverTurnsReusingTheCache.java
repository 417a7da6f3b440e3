package io.llama4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.llama4j.tokenizer.AssistantReply;
import io.llama4j.tokenizer.ChatFormat;
import io.llama4j.tokenizer.ChatMessage;
import io.llama4j.tokenizer.ToolCall;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chat turns: the tokens in the cache are always the whole conversation encoded at once, and each turn
 * evaluates only what is new. The random-weight fixture cannot write sensible replies, so replies are
 * forced token by token (teacher forcing) where the test needs to know them.
 */
class SessionChatsOverTurnsReusingTheCache {
    private static LlamaModel model;

    @BeforeAll
    static void load() {
        model = LlamaModel.load(Fixtures.gguf("tiny-F32"), LoadOptions.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static GenerationOptions saying(String reply) {
        return GenerationOptions.builder().forcedTokens(model.tokenizer().encode(reply, false)).build();
    }

    private static int[] encode(List<ChatMessage> conversation) {
        return ChatFormat.llama31().encode(model.tokenizer(), conversation, true);
    }

    @Test
    void eachTurnEvaluatesOnlyItsNewTokensAndTheCacheHoldsTheWholeConversation() {
        try (Session session = model.newSession()) {
            ChatReply first = session.chat(List.of(ChatMessage.system("You are terse."), ChatMessage.user("Hi!")),
                    saying("Hello there."), p -> { });
            assertEquals(new AssistantReply.Text("Hello there."), first.reply());
            assertEquals(0, first.generation().reusedPromptTokens());
            int[] firstPrompt = encode(List.of(ChatMessage.system("You are terse."), ChatMessage.user("Hi!")));
            assertArrayEquals(firstPrompt, first.generation().promptIds());

            ChatReply second = session.chat(List.of(ChatMessage.user("How are you?")), saying("Fine."), p -> { });
            List<ChatMessage> whole = List.of(ChatMessage.system("You are terse."), ChatMessage.user("Hi!"),
                    ChatMessage.assistant("Hello there."), ChatMessage.user("How are you?"));
            int[] wholeAtOnce = encode(whole);
            assertArrayEquals(wholeAtOnce, second.generation().promptIds());
            // reused: the first prompt and the reply but its last token, which was sampled and never evaluated
            int replyTokens = model.tokenizer().encode("Hello there.", false).length;
            assertEquals(firstPrompt.length + replyTokens - 1, second.generation().reusedPromptTokens());
            int[] cached = session.contextTokens();
            assertArrayEquals(wholeAtOnce, Arrays.copyOf(cached, wholeAtOnce.length));
            assertEquals(5, session.conversation().size());
        }
    }

    @Test
    void theContinuedConversationGivesWhatAColdSessionGivesForTheWholeConversation() {
        GenerationOptions greedy = GenerationOptions.greedy(6);
        List<ChatMessage> whole = List.of(ChatMessage.user("Hi!"), ChatMessage.assistant("Hello there."),
                ChatMessage.user("How are you?"));
        try (Session warm = model.newSession(); Session cold = model.newSession()) {
            warm.chat(List.of(ChatMessage.user("Hi!")), saying("Hello there."), p -> { });
            ChatReply continued = warm.chat(List.of(ChatMessage.user("How are you?")), greedy, p -> { });
            Generation fromScratch = cold.generate(encode(whole), greedy, p -> { });
            assertArrayEquals(fromScratch.ids(), continued.generation().ids());
        }
    }

    @Test
    void aToolCallComesBackTypedAndItsResultContinuesTheConversation() {
        try (Session session = model.newSession()) {
            ChatReply call = session.chat(List.of(ChatMessage.user("Weather in Paris?")),
                    saying("{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}"), p -> { });
            AssistantReply.ToolCallReply reply = assertInstanceOf(AssistantReply.ToolCallReply.class, call.reply());
            assertEquals(ToolCall.of("get_weather", Map.of("city", "Paris")), reply.call());

            ChatReply answer = session.chat(List.of(ChatMessage.toolResult("{\"temperature\": 21}")),
                    saying("It is 21 degrees."), p -> { });
            assertEquals(new AssistantReply.Text("It is 21 degrees."), answer.reply());
            int[] whole = encode(List.of(ChatMessage.user("Weather in Paris?"), ChatMessage.toolCall(reply.call()),
                    ChatMessage.toolResult("{\"temperature\": 21}")));
            assertArrayEquals(whole, answer.generation().promptIds());
        }
    }
}
