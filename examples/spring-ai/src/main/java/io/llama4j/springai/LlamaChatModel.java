package io.llama4j.springai;

import io.llama4j.Generation;
import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.Session;
import io.llama4j.sampling.ChainSampler;
import io.llama4j.spi.GenerationDefaults;
import io.llama4j.tokenizer.ChatFormat;
import io.llama4j.tokenizer.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * A Spring AI {@link ChatModel} (and so {@code StreamingChatModel}) over a llama4j model. The prompt's messages
 * are rendered in the Llama 3.1 chat format; {@link #stream} emits each piece of the reply as it is generated
 * (never splitting a UTF-8 character) and stops generating when the subscriber cancels. Each call runs on a
 * session of its own over the shared, thread-safe model, so one bean serves concurrent requests.
 *
 * <pre>{@code
 * ChatModel llama(LlamaModel model) {          // a @Bean method
 *     return new LlamaChatModel(model, LlamaChatOptions.builder().temperature(0.7).maxTokens(512).build());
 * }
 *
 * String answer = ChatClient.create(llama).prompt().user("Hello!").call().content();
 * Flux<String> pieces = ChatClient.create(llama).prompt().user("Tell me a story").stream().content();
 * }</pre>
 *
 * <p>Finish reasons are Spring AI's usual names: {@code STOP} (the model ended its turn or a stop sequence
 * appeared) and {@code LENGTH} (max tokens or a full context). Usage counts prompt and generated tokens.
 */
public final class LlamaChatModel implements ChatModel {
    private static final System.Logger LOG = System.getLogger("io.llama4j.springai");

    private final LlamaModel model;
    private final LlamaChatOptions defaults;

    /** With the model's recommended sampling and 512 tokens a reply. */
    public LlamaChatModel(LlamaModel model) {
        this(model, LlamaChatOptions.builder().build());
    }

    public LlamaChatModel(LlamaModel model, LlamaChatOptions defaults) {
        this.model = Objects.requireNonNull(model, "model");
        this.defaults = Objects.requireNonNull(defaults, "defaults").copy();
    }

    @Override
    public ChatOptions getDefaultOptions() {
        return defaults.copy();
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        Request request = request(prompt);
        try (Session session = model.newSession()) {
            Generation g = session.generate(request.ids(), request.options(), piece -> { });
            return response(g.text(), g, request.name());
        }
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        Request request = request(prompt);
        return Flux.create(sink -> Thread.ofVirtual().name("llama4j-spring-ai").start(() -> generate(request, sink)),
                FluxSink.OverflowStrategy.BUFFER);
    }

    private void generate(Request request, FluxSink<ChatResponse> sink) {
        try (Session session = model.newSession()) {
            sink.onDispose(session::cancel);
            Consumer<String> pieces = piece -> {
                if (!sink.isCancelled()) {
                    sink.next(new ChatResponse(List.of(new org.springframework.ai.chat.model.Generation(
                            new AssistantMessage(piece)))));
                }
            };
            Generation g = session.generate(request.ids(), request.options(), pieces);
            if (!sink.isCancelled()) {
                sink.next(response("", g, request.name()));
                sink.complete();
            }
        } catch (RuntimeException | Error e) {
            sink.error(e);
        }
    }

    private record Request(int[] ids, GenerationOptions options, String name) {
    }

    private Request request(Prompt prompt) {
        LlamaChatOptions options = defaults.overriddenBy(prompt.getOptions());
        int[] ids = ChatFormat.llama31().encode(model.tokenizer(), messages(prompt.getInstructions()), true);
        return new Request(ids, generationOptions(options), options.getModel());
    }

    static List<io.llama4j.tokenizer.ChatMessage> messages(List<Message> messages) {
        List<io.llama4j.tokenizer.ChatMessage> chat = new ArrayList<>(messages.size());
        for (Message m : messages) {
            String text = m.getText() == null ? "" : m.getText();
            switch (m.getMessageType()) {
                case SYSTEM -> chat.add(io.llama4j.tokenizer.ChatMessage.system(text));
                case USER -> chat.add(io.llama4j.tokenizer.ChatMessage.user(text));
                case ASSISTANT -> {
                    AssistantMessage assistant = (AssistantMessage) m;
                    if (assistant.hasToolCalls()) {
                        for (AssistantMessage.ToolCall call : assistant.getToolCalls()) {
                            chat.add(io.llama4j.tokenizer.ChatMessage.toolCall(ToolCall.ofJson(call.name(),
                                    call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments())));
                        }
                    } else {
                        chat.add(io.llama4j.tokenizer.ChatMessage.assistant(text));
                    }
                }
                case TOOL -> ((ToolResponseMessage) m).getResponses().forEach(
                        r -> chat.add(io.llama4j.tokenizer.ChatMessage.toolResult(r.responseData())));
            }
        }
        return chat;
    }

    /** The options mapped onto llama4j's sampler chain (llama.cpp's order), with Llama 3.1's end-of-turn tokens. */
    GenerationOptions generationOptions(LlamaChatOptions o) {
        ChainSampler.Builder sampler = ChainSampler.builder();
        GenerationDefaults recommended = model.generationDefaults();
        if (recommended.temperature() != null) {
            sampler.temperature(recommended.temperature());
        }
        if (recommended.topP() != null) {
            sampler.topP(recommended.topP());
        }
        if (recommended.topK() != null) {
            sampler.topK(recommended.topK());
        }
        if (o.getTemperature() != null) {
            sampler.temperature(o.getTemperature().floatValue());
        }
        if (o.getTopP() != null) {
            sampler.topP(o.getTopP().floatValue());
        }
        if (o.getTopK() != null) {
            sampler.topK(o.getTopK());
        }
        if (o.getMinP() != null) {
            sampler.minP(o.getMinP().floatValue());
        }
        if (o.getRepeatPenalty() != null) {
            sampler.repeatPenalty(o.getRepeatPenalty().floatValue());
        }
        if (o.getFrequencyPenalty() != null) {
            sampler.frequencyPenalty(o.getFrequencyPenalty().floatValue());
        }
        if (o.getPresencePenalty() != null) {
            sampler.presencePenalty(o.getPresencePenalty().floatValue());
        }
        GenerationOptions.Builder options = GenerationOptions.builder()
                .sampler(sampler.build())
                .maxTokens(o.getMaxTokens() != null ? o.getMaxTokens() : 512)
                .stopTokens(ChatFormat.stopTokens(model.tokenizer()));
        if (o.getSeed() != null) {
            options.seed(o.getSeed());
        }
        if (o.getStopSequences() != null) {
            options.stopStrings(o.getStopSequences());
        }
        return options.build();
    }

    private static ChatResponse response(String text, Generation g, String name) {
        String finish = switch (g.stopReason()) {
            case MAX_TOKENS, CONTEXT_FULL -> "LENGTH";
            case END_OF_GENERATION, STOP_TOKEN, STOP_STRING, CANCELLED -> "STOP";
        };
        LOG.log(System.Logger.Level.DEBUG, () -> "generated " + g.ids().length + " tokens (" + finish + ") at "
                + Math.round(g.decodeTokensPerSecond()) + " tokens/s");
        ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder()
                .usage(new DefaultUsage(g.promptIds().length, g.ids().length));
        if (name != null) {
            metadata.model(name);
        }
        return new ChatResponse(List.of(new org.springframework.ai.chat.model.Generation(new AssistantMessage(text),
                ChatGenerationMetadata.builder().finishReason(finish).build())), metadata.build());
    }
}
