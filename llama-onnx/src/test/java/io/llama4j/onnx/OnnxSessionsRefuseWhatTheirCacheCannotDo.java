package io.llama4j.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llama4j.GenerationOptions;
import io.llama4j.KvCacheType;
import io.llama4j.LlamaException;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.Session;
import io.llama4j.SessionOptions;
import org.junit.jupiter.api.Test;

/**
 * The ONNX executor keeps its KV cache in the graph's own tensors: an F16 cache, a fork and a snapshot are
 * refused with a {@link LlamaException} that says so, and the session stays usable.
 */
class OnnxSessionsRefuseWhatTheirCacheCannotDo {

    @Test
    void f16CacheForkAndSnapshotAreRefusedClearly() {
        try (LlamaModel model = LlamaModel.load(OnnxFixtures.tinyOnnx(),
                LoadOptions.defaults().withThreads(2).withExecutorSetting("onnx.provider", "cpu"))) {
            LlamaException f16 = assertThrows(LlamaException.class,
                    () -> model.newSession(SessionOptions.defaults().withKvCacheType(KvCacheType.F16)));
            assertTrue(f16.getMessage().contains("onnx") && f16.getMessage().contains("F16"), f16.getMessage());
            try (Session session = model.newSession(64)) {
                session.generate("Hello", GenerationOptions.greedy(2));
                LlamaException fork = assertThrows(LlamaException.class, session::fork);
                assertTrue(fork.getMessage().contains("cannot copy"), fork.getMessage());
                LlamaException snapshot = assertThrows(LlamaException.class, session::snapshot);
                assertTrue(snapshot.getMessage().contains("cannot save"), snapshot.getMessage());
                session.generate("Hello", GenerationOptions.greedy(2));
            }
        }
    }
}
