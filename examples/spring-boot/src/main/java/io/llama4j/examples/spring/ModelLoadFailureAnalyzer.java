package io.llama4j.examples.spring;

import io.llama4j.LlamaException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a model that fails to load at start-up (missing, corrupt, unsupported) into Spring Boot's short
 * "APPLICATION FAILED TO START" report naming the problem, instead of a chain of bean-creation traces.
 */
class ModelLoadFailureAnalyzer extends AbstractFailureAnalyzer<LlamaException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, LlamaException cause) {
        return new FailureAnalysis("The model named by llama4j.model could not be loaded: " + cause.getMessage(),
                "Start with --llama4j.model=PATH naming a Llama 3.x GGUF file, an HF or ONNX folder, an archive"
                        + " of either, or a file:, http(s):, jar: or classpath: URI.", cause);
    }
}
