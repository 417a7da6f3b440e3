package io.llama4j.tokenizer;

/**
 * The speaker of a chat message, with the name the Llama 3.1 prompt uses in its header.
 *
 * <pre>{@code
 * ChatMessage message = new ChatMessage.Text(Role.USER, "Hi");   // same as ChatMessage.user("Hi")
 * }</pre>
 */
public enum Role {
    SYSTEM("system"),
    USER("user"),
    ASSISTANT("assistant"),
    /** Tool output fed back to the model (Llama 3.1 calls this role "ipython" for every tool). */
    IPYTHON("ipython");

    private final String headerName;

    Role(String headerName) {
        this.headerName = headerName;
    }

    /** The name between {@code <|start_header_id|>} and {@code <|end_header_id|>}. */
    public String headerName() {
        return headerName;
    }
}
