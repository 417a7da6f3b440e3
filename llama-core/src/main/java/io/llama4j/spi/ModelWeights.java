package io.llama4j.spi;

import java.util.Optional;
import java.util.Set;

/**
 * The tensors of a loaded model, by their GGUF names ({@code blk.0.attn_q.weight}, ...).
 *
 * <pre>{@code
 * ModelWeights weights = opened.source().weights();
 * for (String name : weights.names()) {
 *     Tensor t = weights.find(name).orElseThrow();
 *     System.out.println(t);                          // e.g. blk.0.attn_q.weight Q8_0 [2048, 2048]
 * }
 * }</pre>
 */
public interface ModelWeights {
    Optional<Tensor> find(String name);

    Set<String> names();
}
