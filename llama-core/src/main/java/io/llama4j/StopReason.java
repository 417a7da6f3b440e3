package io.llama4j;

/** Why a generation ended. */
public enum StopReason {
    /** The model produced an end-of-text, end-of-turn or end-of-message token. */
    END_OF_GENERATION,
    /** The requested number of tokens was produced. */
    MAX_TOKENS,
    /** The session's context window is full. */
    CONTEXT_FULL
}
