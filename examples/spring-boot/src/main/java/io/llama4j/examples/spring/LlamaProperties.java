package io.llama4j.examples.spring;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code llama4j.*} settings.
 *
 * @param model         the model: a GGUF file, an HF or ONNX folder, an archive, or a {@code file:},
 *                      {@code http(s):}, {@code jar:} or {@code classpath:} URI
 * @param threads       threads of the kernel; 0 = one per processor
 * @param contextLength the most tokens one request's session holds; 0 = sized from the free heap
 */
@ConfigurationProperties("llama4j")
public record LlamaProperties(String model, int threads, int contextLength) {
}
