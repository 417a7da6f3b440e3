package io.llama4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llama4j.GenerationOptions;
import io.llama4j.LlamaException;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.ModelFormatException;
import io.llama4j.Session;
import io.llama4j.format.gguf.GgufFormat;
import io.llama4j.location.LoadProgress;
import io.llama4j.onnx.graph.BuiltGraph;
import io.llama4j.onnx.graph.GraphCache;
import io.llama4j.onnx.graph.GraphOptions;
import io.llama4j.spi.OpenedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LoadOptions.withExecutor("onnx")} (the CLI's {@code --executor onnx}) on a GGUF file builds its
 * graph once into the cache, reports progress, reuses it on the next load, and generates what the Java
 * kernel generates; without naming it, a GGUF file still runs on the Java kernel. Bad settings and a
 * spoiled cache entry fail with typed exceptions.
 */
class OnnxExecutorBuildsGgufGraphsWhenNamed {
    @TempDir
    Path cache;

    private LoadOptions onnx() {
        return LoadOptions.defaults().withThreads(2).withExecutor("onnx")
                .withExecutorSetting(Device.SETTING, "cpu").withExecutorSetting("onnx.cache", cache.toString());
    }

    @Test
    void ggufRunsOnTheJavaKernelUnlessOnnxIsNamed() {
        try (LlamaModel model = LlamaModel.load(OnnxFixtures.tinyGguf(), LoadOptions.defaults().withThreads(1))) {
            assertEquals("java", model.executorName());
        }
    }

    @Test
    void namedOnnxBuildsOnceReusesAndGeneratesTheKernelsTokens() throws IOException {
        String prompt = "The capital of France is";
        String expected;
        try (LlamaModel java = LlamaModel.load(OnnxFixtures.tinyGguf(), LoadOptions.defaults().withThreads(2));
             Session session = java.newSession()) {
            expected = session.generate(prompt, GenerationOptions.greedy(12));
        }
        for (int load = 0; load < 2; load++) {
            try (LlamaModel model = LlamaModel.load(OnnxFixtures.tinyGguf(), onnx()); Session session = model.newSession()) {
                assertEquals("onnx", model.executorName());
                assertEquals(expected, session.generate(prompt, GenerationOptions.greedy(12)), "load " + load);
            }
            assertEquals(1, entries().size(), "one cache entry after load " + load);
        }
    }

    @Test
    void aBuildReportsProgressAndASecondObtainReusesIt() {
        try (OpenedModel opened = new GgufFormat().open(OnnxFixtures.tinyGguf())) {
            List<long[]> reports = new ArrayList<>();
            GraphCache graphs = GraphCache.at(cache);
            BuiltGraph first = graphs.obtain(opened.source(), GraphOptions.cpu(), (what, done, total) -> reports.add(new long[] {done, total}));
            assertFalse(first.reused());
            assertTrue(reports.size() >= 3, "progress reported " + reports.size() + " times");
            long[] last = reports.getLast();
            assertEquals(last[1], last[0], "the last report says done");
            for (int i = 1; i < reports.size(); i++) {
                assertTrue(reports.get(i)[0] >= reports.get(i - 1)[0], "progress never goes back");
            }
            BuiltGraph second = graphs.obtain(opened.source(), GraphOptions.cpu(), LoadProgress.NONE);
            assertTrue(second.reused());
            assertEquals(first.folder(), second.folder());
            assertTrue(Files.isRegularFile(first.graph()));
        }
    }

    @Test
    void aSpoiledCacheEntryFailsAsAModelFormatError() throws IOException {
        try (LlamaModel model = LlamaModel.load(OnnxFixtures.tinyGguf(), onnx())) {
            assertEquals("onnx", model.executorName());
        }
        Path graph = entries().getFirst().resolve("model.onnx");
        Files.write(graph, new byte[] {1, 2, 3, 4, 5});
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaModel.load(OnnxFixtures.tinyGguf(), onnx()));
        assertTrue(e.getMessage().contains("model.onnx"), e.getMessage());
    }

    @Test
    void unknownBuildSettingsAreRejectedByName() {
        for (String[] bad : new String[][] {{"onnx.precision", "fp64"}, {"onnx.logits", "some"},
                {"onnx.accuracy", "7"}, {"onnx.kquant-bits", "3"}}) {
            LlamaException e = assertThrows(LlamaException.class,
                    () -> LlamaModel.load(OnnxFixtures.tinyGguf(), onnx().withExecutorSetting(bad[0], bad[1])).close());
            assertTrue(e.getMessage().contains(bad[0]), e.getMessage());
        }
    }

    @Test
    void allLogitsGraphsGiveTheSameLastRowAsLastOnlyGraphs() {
        int[] prompt = {128000, 791, 6864, 315, 9822, 374};
        float[] last;
        float[] all;
        try (LoadedModel m = BuiltGraphGreedyMatchesLlamaCpp.built(new GgufFormat(), OnnxFixtures.tinyGguf(), cache, java.util.Map.of());
             var state = m.executor().newState(16)) {
            last = state.forward(prompt, 0);
        }
        try (LoadedModel m = BuiltGraphGreedyMatchesLlamaCpp.built(new GgufFormat(), OnnxFixtures.tinyGguf(),
                cache, java.util.Map.of("onnx.logits", "all"));
             var state = m.executor().newState(16)) {
            all = state.forward(prompt, 0);
        }
        assertArrayEquals(last, all, 1e-4f);
    }

    /**
     * The FP16 graph (what CUDA gets) is valid and runs wherever ONNX Runtime has FP16 kernels; on the CPU its
     * greedy tokens for the tiny model equal the FP32 graph's (the reference's smallest top-1/top-2 margin,
     * 0.011, is far above FP16 rounding on these widths).
     */
    @Test
    void fp16GraphGivesTheFp32GraphsTokens() {
        int[] prompt = {128000, 791, 6864, 315, 9822, 374};
        int[] fp32;
        int[] fp16;
        try (LoadedModel m = BuiltGraphGreedyMatchesLlamaCpp.built(new GgufFormat(), OnnxFixtures.tinyGguf(), cache, java.util.Map.of())) {
            fp32 = GreedyOnOnnxMatchesLlamaCpp.greedy(m, prompt, 16);
        }
        try (LoadedModel m = BuiltGraphGreedyMatchesLlamaCpp.built(new GgufFormat(), OnnxFixtures.tinyGguf(), cache,
                java.util.Map.of("onnx.precision", "fp16"))) {
            fp16 = GreedyOnOnnxMatchesLlamaCpp.greedy(m, prompt, 16);
        }
        assertArrayEquals(fp32, fp16);
    }

    /**
     * GroupQueryAttention appends several tokens to a non-empty shared buffer (a new chat turn) and rewinds
     * (a session reusing a shared prefix) as a fresh state computes the whole prompt at once.
     */
    @Test
    void promptsFedInPiecesOrAfterARewindGiveTheSameLogits() {
        int[] prompt = {128000, 791, 6864, 315, 9822, 374, 12366, 13};
        try (LoadedModel m = BuiltGraphGreedyMatchesLlamaCpp.built(new GgufFormat(), OnnxFixtures.tinyGguf(), cache, java.util.Map.of());
             var whole = m.executor().newState(16);
             var pieces = m.executor().newState(16)) {
            float[] expected = whole.forward(prompt, 0);
            pieces.forward(java.util.Arrays.copyOfRange(prompt, 0, 3), 0);
            assertArrayEquals(expected, pieces.forward(java.util.Arrays.copyOfRange(prompt, 3, 8), 3), 1e-4f, "in pieces");
            pieces.forward(new int[] {9, 9, 9}, 5); // a detour from position 5, then back to position 2
            assertArrayEquals(expected, pieces.forward(java.util.Arrays.copyOfRange(prompt, 2, 8), 2), 1e-4f, "after a rewind");
        }
    }

    private List<Path> entries() throws IOException {
        try (Stream<Path> s = Files.list(cache.resolve("onnx-graphs"))) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
