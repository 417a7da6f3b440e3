package io.llama4j.examples.spring;

import io.llama4j.ContextOverflowException;
import io.llama4j.LlamaException;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Errors as OpenAI writes them, {@code {"error": {"message": ..., "type": ...}}}, on every endpoint, so
 * OpenAI clients show the message instead of failing to parse the body.
 */
@RestControllerAdvice
class ApiErrors {

    @ExceptionHandler({IllegalArgumentException.class, ContextOverflowException.class})
    ResponseEntity<Map<String, Object>> badRequest(RuntimeException e) {
        return error(HttpStatus.BAD_REQUEST, "invalid_request_error", e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        return error(HttpStatus.BAD_REQUEST, "invalid_request_error", "the body is not the expected JSON: "
                + e.getMostSpecificCause().getMessage());
    }

    @ExceptionHandler(LlamaException.class)
    ResponseEntity<Map<String, Object>> modelFailed(LlamaException e) {
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", e.getMessage());
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String type, String message) {
        return ResponseEntity.status(status)
                .body(Map.of("error", Map.of("message", String.valueOf(message), "type", type)));
    }
}
