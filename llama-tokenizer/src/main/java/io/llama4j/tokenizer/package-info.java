/**
 * The Llama 3 tokenizer and the Llama 3.1 chat format, for Java 17 and without dependencies.
 *
 * <pre>{@code
 * LlamaTokenizer tokenizer = LlamaTokenizer.fromTokenizerJson(Path.of("tokenizer.json"));
 * int[] ids = tokenizer.encode("Hello world!", false);                  // [9906, 1917, 0]
 *
 * ChatFormat chat = ChatFormat.llama31().withDate(LocalDate.now());
 * int[] prompt = chat.encode(tokenizer, List.of(ChatMessage.user("Hi")), true);
 * StreamingDecoder out = tokenizer.newStreamingDecoder();               // feed generated ids to out.accept
 * }</pre>
 *
 * <p>Encoding: {@link io.llama4j.tokenizer.LlamaTokenizer} splits text with a hand-written matcher of the
 * Llama 3 pattern ({@code PreTokenizer}), then applies byte-level BPE ({@code BytePairEncoder}) over the
 * vocabulary loaded from GGUF metadata, HF {@code tokenizer.json} or Meta's tiktoken file
 * ({@code VocabularyLoader}). Results equal tiktoken's and HF tokenizers'.
 *
 * <p>Chat: {@link io.llama4j.tokenizer.ChatFormat} renders conversations ({@link io.llama4j.tokenizer.ChatMessage})
 * as the official Llama 3.1 template does, with custom ({@link io.llama4j.tokenizer.ToolDefinition}) and
 * built-in ({@link io.llama4j.tokenizer.BuiltinTool}) tools, and parses replies into
 * {@link io.llama4j.tokenizer.AssistantReply}.
 */
package io.llama4j.tokenizer;
