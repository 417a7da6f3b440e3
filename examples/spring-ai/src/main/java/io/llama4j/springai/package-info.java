/**
 * Spring AI over llama4j: {@link io.llama4j.springai.LlamaChatModel} runs a Llama 3.x model in the JVM behind
 * Spring AI's {@code ChatModel} and {@code StreamingChatModel} ({@code Flux}), with
 * {@link io.llama4j.springai.LlamaChatOptions} mapped onto llama4j's sampler, and Spring AI's tool calling
 * ({@code ChatClient...tools(...)}) over the Llama 3.1 custom-tool format.
 *
 * <pre>{@code
 * ChatModel chat = new LlamaChatModel(LlamaModel.load(Path.of("model.gguf")));
 * String answer = ChatClient.create(chat).prompt().user("Hello!").call().content();
 * }</pre>
 */
package io.llama4j.springai;
