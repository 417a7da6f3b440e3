/**
 * LangChain4j over llama4j: {@link io.llama4j.langchain4j.LlamaChatModel} and
 * {@link io.llama4j.langchain4j.LlamaStreamingChatModel} run a Llama 3.x model in the JVM behind LangChain4j's
 * {@code ChatModel} and {@code StreamingChatModel}, keeping the KV cache across a conversation's turns and
 * mapping tool specifications to Llama 3.1 tool calls.
 *
 * <pre>{@code
 * ChatModel chat = new LlamaChatModel(LlamaModel.load(Path.of("model.gguf")));
 * String answer = chat.chat("Hello!");
 * }</pre>
 */
package io.llama4j.langchain4j;
