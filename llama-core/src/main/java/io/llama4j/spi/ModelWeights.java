package io.llama4j.spi;

import java.util.Optional;
import java.util.Set;

/** The tensors of a loaded model, by their GGUF names ({@code blk.0.attn_q.weight}, ...). */
public interface ModelWeights {
    Optional<Tensor> find(String name);

    Set<String> names();
}
