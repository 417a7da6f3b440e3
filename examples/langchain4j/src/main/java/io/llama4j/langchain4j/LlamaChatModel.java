package io.llama4j.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.llama4j.Generation;
import io.llama4j.LlamaModel;

/**
 * A LangChain4j {@link ChatModel} over a llama4j model. It keeps one session's KV cache across the turns of a
 * conversation: when a request's messages extend the previous request's messages and reply (as LangChain4j's
 * chat memory and AI services send them), only the new turn is evaluated. Tool specifications are offered as
 * Llama 3.1 custom tools, and a reply that calls one comes back as a {@link dev.langchain4j.agent.tool.ToolExecutionRequest}.
 *
 * <pre>{@code
 * try (LlamaModel llama = LlamaModel.load(Path.of("Llama-3.2-1B-Instruct-Q8_0.gguf"));
 *      LlamaChatModel chat = new LlamaChatModel(llama, LlamaChatSettings.builder().temperature(0.7).build())) {
 *     Assistant assistant = AiServices.builder(Assistant.class)
 *             .chatModel(chat)
 *             .chatMemory(MessageWindowChatMemory.withMaxMessages(20))
 *             .tools(new WeatherTools())
 *             .build();
 *     System.out.println(assistant.chat("What is the weather in Paris?"));
 * }
 * }</pre>
 *
 * <p>Requests are served one at a time; for independent conversations in parallel, use one instance each
 * (they share the model's weights). Closing it frees the cache, not the model.
 */
public final class LlamaChatModel implements ChatModel, AutoCloseable {
    private final Conversation conversation;

    /** With {@link LlamaChatSettings#defaults()}. */
    public LlamaChatModel(LlamaModel model) {
        this(model, LlamaChatSettings.defaults());
    }

    public LlamaChatModel(LlamaModel model, LlamaChatSettings settings) {
        this.conversation = new Conversation(model, settings);
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        return conversation.answer(request, piece -> { }).response();
    }

    /** The last reply's generation: how many prompt tokens came from the cache, speeds, stop reason. */
    public Generation lastGeneration() {
        return conversation.lastGeneration();
    }

    @Override
    public void close() {
        conversation.close();
    }
}
