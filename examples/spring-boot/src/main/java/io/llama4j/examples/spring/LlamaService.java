package io.llama4j.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * An HTTP service over one llama4j model: {@code POST /generate}, {@code POST /generate/stream} (Server-Sent
 * Events) and OpenAI's {@code POST /v1/chat/completions}, streaming or not.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      -jar llama4j-spring-boot-example.jar --llama4j.model=Llama-3.2-1B-Instruct-Q8_0.gguf --server.port=8080
 * </pre>
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class LlamaService {

    public static void main(String[] args) {
        SpringApplication.run(LlamaService.class, args);
    }
}
