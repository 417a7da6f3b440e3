package io.llama4j.springai;

import io.llama4j.Generation;
import io.llama4j.GenerationOptions;
import io.llama4j.LlamaModel;
import io.llama4j.Session;
import io.llama4j.sampling.ChainSampler;
import io.llama4j.spi.GenerationDefaults;
import io.llama4j.tokenizer.ChatFormat;
import io.llama4j.tokenizer.ToolCall;
import io.llama4j.tokenizer.ToolDefinition;
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
import org.springframework.ai.model.tool.DefaultToolExecutionEligibilityPredicate;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionEligibilityPredicate;
import org.springframework.ai.model.tool.ToolExecutionResult;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

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
 * <p>Tools ({@code ChatClient.prompt().tools(...)}, {@code @Tool} methods or {@code ToolCallback}s) are offered
 * as Llama 3.1 custom tools; a reply that calls one comes back as an {@link AssistantMessage.ToolCall}, which
 * Spring AI's {@link ToolCallingManager} runs before the conversation goes on with its result, as with any
 * Spring AI model (unless {@code internalToolExecutionEnabled} is false: then the caller gets the call).
 * With tools offered, a streamed reply arrives whole, since whether it is a call is known only at its end.
 *
 * <pre>{@code
 * class Fortunes {
 *     @Tool(description = "Draws a fortune cookie about a topic")
 *     String getFortune(@ToolParam(description = "what the fortune is about") String topic) { ... }
 * }
 * String answer = ChatClient.create(llama).prompt().user("Tell me a fortune about love.")
 *         .tools(new Fortunes()).call().content();
 * }</pre>
 *
 * <p>Finish reasons are Spring AI's usual names: {@code STOP} (the model ended its turn or a stop sequence
 * appeared), {@code LENGTH} (max tokens or a full context) and {@code TOOL_CALLS}. Usage counts prompt and
 * generated tokens.
 */
public final class LlamaChatModel implements ChatModel {
    private static final System.Logger LOG = System.getLogger("io.llama4j.springai");

    private final LlamaModel model;
    private final LlamaChatOptions defaults;
    private final ToolCallingManager tools;
    private final ToolExecutionEligibilityPredicate runTools = new DefaultToolExecutionEligibilityPredicate();

    /** With the model's recommended sampling and 512 tokens a reply. */
    public LlamaChatModel(LlamaModel model) {
        this(model, LlamaChatOptions.builder().build());
    }

    public LlamaChatModel(LlamaModel model, LlamaChatOptions defaults) {
        this(model, defaults, ToolCallingManager.builder().build());
    }

    /**
     * @param tools resolves tool names and runs the calls the model makes (in a Spring Boot application, the
     *              auto-configured {@code ToolCallingManager} bean)
     */
    public LlamaChatModel(LlamaModel model, LlamaChatOptions defaults, ToolCallingManager tools) {
        this.model = Objects.requireNonNull(model, "model");
        this.defaults = Objects.requireNonNull(defaults, "defaults").copy();
        this.tools = Objects.requireNonNull(tools, "tools");
    }

    @Override
    public ChatOptions getDefaultOptions() {
        return defaults.copy();
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        Prompt merged = withOptions(prompt);
        Request request = request(merged);
        ChatResponse response = answer(request);
        if (!runTools.isToolExecutionRequired(merged.getOptions(), response)) {
            return response;
        }
        ToolExecutionResult result = tools.executeToolCalls(merged, response);
        if (result.returnDirect()) {
            return ChatResponse.builder().from(response).generations(ToolExecutionResult.buildGenerations(result)).build();
        }
        return call(new Prompt(result.conversationHistory(), merged.getOptions()));
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        Prompt merged = withOptions(prompt);
        Request request = request(merged);
        if (!request.toolsOffered()) {
            return Flux.create(sink -> Thread.ofVirtual().name("llama4j-spring-ai").start(() -> generate(request, sink)),
                    FluxSink.OverflowStrategy.BUFFER);
        }
        // Whether the reply is a call is known only at its end, so it is generated whole, off the caller's thread.
        return Mono.fromCallable(() -> answer(request)).subscribeOn(Schedulers.boundedElastic()).flatMapMany(response -> {
            if (!runTools.isToolExecutionRequired(merged.getOptions(), response)) {
                return Flux.just(response);
            }
            ToolExecutionResult result = tools.executeToolCalls(merged, response);
            if (result.returnDirect()) {
                return Flux.just(ChatResponse.builder().from(response)
                        .generations(ToolExecutionResult.buildGenerations(result)).build());
            }
            return stream(new Prompt(result.conversationHistory(), merged.getOptions()));
        });
    }

    /** The prompt with its options merged over the defaults, as the ToolCallingManager needs them. */
    private Prompt withOptions(Prompt prompt) {
        return new Prompt(prompt.getInstructions(), defaults.overriddenBy(prompt.getOptions()));
    }

    private ChatResponse answer(Request request) {
        try (Session session = model.newSession()) {
            Generation g = session.generate(request.ids(), request.options(), piece -> { });
            AssistantMessage message = SpringAiTools.message(ChatFormat.parseReply(g.text()), g.text(),
                    request.toolsOffered());
            return response(message, g, request.name());
        }
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
                sink.next(response(new AssistantMessage(""), g, request.name()));
                sink.complete();
            }
        } catch (RuntimeException | Error e) {
            sink.error(e);
        }
    }

    private record Request(int[] ids, GenerationOptions options, String name, boolean toolsOffered) {
    }

    /** {@code prompt} has its options merged over the defaults already. */
    private Request request(Prompt prompt) {
        LlamaChatOptions options = (LlamaChatOptions) prompt.getOptions();
        List<ToolDefinition> offered = SpringAiTools.definitions(tools.resolveToolDefinitions(options));
        ChatFormat format = offered.isEmpty() ? ChatFormat.llama31() : ChatFormat.llama31().withTools(offered);
        int[] ids = format.encode(model.tokenizer(), messages(prompt.getInstructions()), true);
        return new Request(ids, generationOptions(options), options.getModel(), !offered.isEmpty());
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

    private static ChatResponse response(AssistantMessage message, Generation g, String name) {
        String finish = message.hasToolCalls() ? "TOOL_CALLS" : switch (g.stopReason()) {
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
        return new ChatResponse(List.of(new org.springframework.ai.chat.model.Generation(message,
                ChatGenerationMetadata.builder().finishReason(finish).build())), metadata.build());
    }
}
