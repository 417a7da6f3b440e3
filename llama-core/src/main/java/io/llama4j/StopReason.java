package io.llama4j;

/**
 * Why a generation ended.
 *
 * <pre>{@code
 * if (session.generate(prompt, options, piece -> { }).stopReason() == StopReason.MAX_TOKENS) {
 *     // the answer was cut short: ask for more tokens or continue the generation
 * }
 * }</pre>
 */
public enum StopReason {
    /** The model produced an end-of-text, end-of-turn or end-of-message token. */
    END_OF_GENERATION,
    /** The model produced one of {@link GenerationOptions#stopTokens()}. */
    STOP_TOKEN,
    /** The text reached one of {@link GenerationOptions#stopStrings()} (which is not part of the text). */
    STOP_STRING,
    /** The requested number of tokens was produced. */
    MAX_TOKENS,
    /** The session's context window is full. */
    CONTEXT_FULL,
    /** Cancelled by {@link Session#cancel()}, by closing the stream, or by the subscriber. */
    CANCELLED
}
