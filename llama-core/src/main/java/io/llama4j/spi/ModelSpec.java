package io.llama4j.spi;

import java.util.Set;

/**
 * What a Llama-architecture model is, whatever file it came from. Readers produce it, executors consume it.
 *
 * <pre>{@code
 * ModelSpec spec = model.spec();
 * System.out.printf("%s: %d layers, %d heads (%d KV), head size %d, vocabulary %d%n",
 *         spec.name(), spec.layers(), spec.heads(), spec.kvHeads(), spec.headDim(), spec.vocabularySize());
 * long kvFloatsPerToken = 2L * spec.layers() * spec.kvDim();
 * }</pre>
 *
 * @param name             a human-readable name (from the file's metadata, or the file name)
 * @param dim              embedding width
 * @param layers           transformer blocks
 * @param heads            query heads
 * @param kvHeads          key/value heads (grouped-query attention)
 * @param headDim          width of one head
 * @param ffnDim           hidden width of the SwiGLU feed-forward block
 * @param vocabularySize   rows of the embedding and of the output matrix
 * @param contextLength    the longest context the model was trained for
 * @param rmsNormEps       RMSNorm epsilon
 * @param ropeTheta        RoPE base frequency
 * @param ropeFreqDivisors per rotation pair, the divisor of its frequency (llama3 scaling); all 1 when unscaled
 * @param ropePairing      which elements of a head form a rotation pair
 * @param tiedEmbeddings   whether the output matrix is the embedding matrix
 * @param bosToken         the begin-of-text token id, or -1
 * @param endOfGeneration  token ids that end a generation (end of text, end of turn, end of message)
 */
public record ModelSpec(
        String name,
        int dim,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int ffnDim,
        int vocabularySize,
        int contextLength,
        float rmsNormEps,
        float ropeTheta,
        float[] ropeFreqDivisors,
        RopePairing ropePairing,
        boolean tiedEmbeddings,
        int bosToken,
        Set<Integer> endOfGeneration) {

    public ModelSpec {
        ropeFreqDivisors = ropeFreqDivisors.clone();
        endOfGeneration = Set.copyOf(endOfGeneration);
    }

    @Override
    public float[] ropeFreqDivisors() {
        return ropeFreqDivisors.clone();
    }

    /** Width of the key and value projections. */
    public int kvDim() {
        return kvHeads * headDim;
    }

    /**
     * How the two elements of a RoPE rotation pair are laid out inside a head.
     *
     * <pre>{@code
     * int pair = 5;
     * int first = spec.ropePairing() == RopePairing.INTERLEAVED ? 2 * pair : pair;
     * int second = spec.ropePairing() == RopePairing.INTERLEAVED ? 2 * pair + 1 : pair + spec.headDim() / 2;
     * }</pre>
     */
    public enum RopePairing {
        /** Pair i is elements (2i, 2i+1): Meta checkpoints and GGUF files. */
        INTERLEAVED,
        /** Pair i is elements (i, i + headDim/2): HuggingFace safetensors. */
        HALVES
    }
}
