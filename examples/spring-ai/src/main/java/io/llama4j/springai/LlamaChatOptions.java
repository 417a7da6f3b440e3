package io.llama4j.springai;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.tool.ToolCallback;

/**
 * Spring AI chat options for a llama4j model: Spring AI's portable ones (temperature, top-p, top-k, frequency
 * and presence penalties, max tokens, stop sequences) plus llama.cpp's min-p and repeat penalty and the
 * sampler's seed. A field left null takes the model's recommendation ({@code generation_config.json}), then
 * llama.cpp's default. Options in a {@code Prompt} override the model's defaults field by field.
 *
 * <p>They are also Spring AI's {@link ToolCallingChatOptions}: the tools that {@code ChatClient.tools(...)}
 * or {@link Builder#toolCallbacks} name are offered to the model as Llama 3.1 custom tools (a prompt's tools,
 * names and context replace the defaults' when it has any), and Spring AI's {@code ToolCallingManager} runs
 * the calls unless {@code internalToolExecutionEnabled} is false.
 *
 * <pre>{@code
 * ChatModel chat = new LlamaChatModel(model, LlamaChatOptions.builder().temperature(0.7).maxTokens(256).build());
 * String text = ChatClient.create(chat).prompt()
 *         .user("Tell me a joke")
 *         .options(LlamaChatOptions.builder().temperature(0.0).build())   // greedy for this call
 *         .call().content();
 * }</pre>
 */
public final class LlamaChatOptions implements ToolCallingChatOptions {
    private String model;
    private Double temperature;
    private Double topP;
    private Integer topK;
    private Double minP;
    private Double repeatPenalty;
    private Double frequencyPenalty;
    private Double presencePenalty;
    private Integer maxTokens;
    private List<String> stopSequences;
    private Long seed;
    private List<ToolCallback> toolCallbacks = List.of();
    private Set<String> toolNames = Set.of();
    private Boolean internalToolExecutionEnabled;
    private Map<String, Object> toolContext = Map.of();

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String getModel() {
        return model;
    }

    @Override
    public Double getTemperature() {
        return temperature;
    }

    @Override
    public Double getTopP() {
        return topP;
    }

    @Override
    public Integer getTopK() {
        return topK;
    }

    public Double getMinP() {
        return minP;
    }

    public Double getRepeatPenalty() {
        return repeatPenalty;
    }

    @Override
    public Double getFrequencyPenalty() {
        return frequencyPenalty;
    }

    @Override
    public Double getPresencePenalty() {
        return presencePenalty;
    }

    @Override
    public Integer getMaxTokens() {
        return maxTokens;
    }

    @Override
    public List<String> getStopSequences() {
        return stopSequences;
    }

    public Long getSeed() {
        return seed;
    }

    @Override
    public List<ToolCallback> getToolCallbacks() {
        return toolCallbacks;
    }

    @Override
    public void setToolCallbacks(List<ToolCallback> toolCallbacks) {
        ToolCallingChatOptions.validateToolCallbacks(toolCallbacks);
        this.toolCallbacks = List.copyOf(toolCallbacks);
    }

    @Override
    public Set<String> getToolNames() {
        return toolNames;
    }

    @Override
    public void setToolNames(Set<String> toolNames) {
        this.toolNames = Set.copyOf(toolNames);
    }

    @Override
    public Boolean getInternalToolExecutionEnabled() {
        return internalToolExecutionEnabled;
    }

    @Override
    public void setInternalToolExecutionEnabled(Boolean internalToolExecutionEnabled) {
        this.internalToolExecutionEnabled = internalToolExecutionEnabled;
    }

    @Override
    public Map<String, Object> getToolContext() {
        return toolContext;
    }

    @Override
    public void setToolContext(Map<String, Object> toolContext) {
        this.toolContext = Map.copyOf(toolContext);
    }

    @Override
    @SuppressWarnings("unchecked")
    public LlamaChatOptions copy() {
        return builder().from(this).build();
    }

    /**
     * These options overridden by {@code other}'s non-null values: its portable ones whatever its class, and
     * min-p, repeat penalty and seed when it is a {@link LlamaChatOptions}.
     */
    LlamaChatOptions overriddenBy(ChatOptions other) {
        if (other == null) {
            return this;
        }
        Builder b = builder().from(this);
        if (other.getModel() != null) {
            b.model = other.getModel();
        }
        if (other.getTemperature() != null) {
            b.temperature = other.getTemperature();
        }
        if (other.getTopP() != null) {
            b.topP = other.getTopP();
        }
        if (other.getTopK() != null) {
            b.topK = other.getTopK();
        }
        if (other.getFrequencyPenalty() != null) {
            b.frequencyPenalty = other.getFrequencyPenalty();
        }
        if (other.getPresencePenalty() != null) {
            b.presencePenalty = other.getPresencePenalty();
        }
        if (other.getMaxTokens() != null) {
            b.maxTokens = other.getMaxTokens();
        }
        if (other.getStopSequences() != null && !other.getStopSequences().isEmpty()) {
            b.stopSequences = other.getStopSequences();
        }
        if (other instanceof ToolCallingChatOptions tools) {
            // Spring AI's rule, as its own models apply it: the prompt's tools replace the defaults' if it has any.
            b.toolCallbacks = ToolCallingChatOptions.mergeToolCallbacks(tools.getToolCallbacks(), toolCallbacks);
            b.toolNames = ToolCallingChatOptions.mergeToolNames(tools.getToolNames(), toolNames);
            b.toolContext = ToolCallingChatOptions.mergeToolContext(tools.getToolContext(), toolContext);
            if (tools.getInternalToolExecutionEnabled() != null) {
                b.internalToolExecutionEnabled = tools.getInternalToolExecutionEnabled();
            }
        }
        if (other instanceof LlamaChatOptions llama) {
            if (llama.minP != null) {
                b.minP = llama.minP;
            }
            if (llama.repeatPenalty != null) {
                b.repeatPenalty = llama.repeatPenalty;
            }
            if (llama.seed != null) {
                b.seed = llama.seed;
            }
        }
        return b.build();
    }

    /** Builds {@link LlamaChatOptions}; every value is optional. */
    public static final class Builder {
        private String model;
        private Double temperature;
        private Double topP;
        private Integer topK;
        private Double minP;
        private Double repeatPenalty;
        private Double frequencyPenalty;
        private Double presencePenalty;
        private Integer maxTokens;
        private List<String> stopSequences;
        private Long seed;
        private List<ToolCallback> toolCallbacks = List.of();
        private Set<String> toolNames = Set.of();
        private Boolean internalToolExecutionEnabled;
        private Map<String, Object> toolContext = Map.of();

        private Builder() {
        }

        Builder from(LlamaChatOptions o) {
            model = o.model;
            temperature = o.temperature;
            topP = o.topP;
            topK = o.topK;
            minP = o.minP;
            repeatPenalty = o.repeatPenalty;
            frequencyPenalty = o.frequencyPenalty;
            presencePenalty = o.presencePenalty;
            maxTokens = o.maxTokens;
            stopSequences = o.stopSequences;
            seed = o.seed;
            toolCallbacks = o.toolCallbacks;
            toolNames = o.toolNames;
            internalToolExecutionEnabled = o.internalToolExecutionEnabled;
            toolContext = o.toolContext;
            return this;
        }

        /** A name reported in responses' metadata. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder temperature(Double temperature) {
            this.temperature = temperature;
            return this;
        }

        public Builder topP(Double topP) {
            this.topP = topP;
            return this;
        }

        public Builder topK(Integer topK) {
            this.topK = topK;
            return this;
        }

        public Builder minP(Double minP) {
            this.minP = minP;
            return this;
        }

        public Builder repeatPenalty(Double repeatPenalty) {
            this.repeatPenalty = repeatPenalty;
            return this;
        }

        public Builder frequencyPenalty(Double frequencyPenalty) {
            this.frequencyPenalty = frequencyPenalty;
            return this;
        }

        public Builder presencePenalty(Double presencePenalty) {
            this.presencePenalty = presencePenalty;
            return this;
        }

        public Builder maxTokens(Integer maxTokens) {
            this.maxTokens = maxTokens;
            return this;
        }

        public Builder stopSequences(List<String> stopSequences) {
            this.stopSequences = stopSequences == null ? null : List.copyOf(stopSequences);
            return this;
        }

        public Builder seed(Long seed) {
            this.seed = seed;
            return this;
        }

        /** Tools offered to the model on every call (a prompt's own tools replace them). */
        public Builder toolCallbacks(List<ToolCallback> toolCallbacks) {
            ToolCallingChatOptions.validateToolCallbacks(toolCallbacks);
            this.toolCallbacks = List.copyOf(toolCallbacks);
            return this;
        }

        public Builder toolCallbacks(ToolCallback... toolCallbacks) {
            return toolCallbacks(List.of(toolCallbacks));
        }

        /** Tools by name, resolved by the {@code ToolCallingManager}'s resolver. */
        public Builder toolNames(Set<String> toolNames) {
            this.toolNames = Set.copyOf(toolNames);
            return this;
        }

        /** False: a tool call is returned to the caller instead of being run by Spring AI. */
        public Builder internalToolExecutionEnabled(Boolean enabled) {
            this.internalToolExecutionEnabled = enabled;
            return this;
        }

        /** Handed to the tools as their {@code ToolContext}. */
        public Builder toolContext(Map<String, Object> toolContext) {
            this.toolContext = Map.copyOf(toolContext);
            return this;
        }

        public LlamaChatOptions build() {
            LlamaChatOptions o = new LlamaChatOptions();
            o.model = model;
            o.temperature = temperature;
            o.topP = topP;
            o.topK = topK;
            o.minP = minP;
            o.repeatPenalty = repeatPenalty;
            o.frequencyPenalty = frequencyPenalty;
            o.presencePenalty = presencePenalty;
            o.maxTokens = maxTokens;
            o.stopSequences = stopSequences;
            o.seed = seed;
            o.toolCallbacks = toolCallbacks;
            o.toolNames = toolNames;
            o.internalToolExecutionEnabled = internalToolExecutionEnabled;
            o.toolContext = toolContext;
            return o;
        }
    }
}
