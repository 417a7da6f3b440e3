package io.llama4j.location;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.llama4j.Fixtures;
import io.llama4j.LlamaException;
import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import io.llama4j.format.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code file:}, {@code jar:}, {@code classpath:} and {@code http:} locations load the model they point at
 * (llama.cpp's greedy tokens). HTTP is served by a real server on the loopback interface: downloads are
 * cached, resumed with a Range request, and refused when the SHA-256 differs.
 */
class UrisLoadLikeFiles {
    @TempDir
    Path dir;
    Path cacheFolder;
    HttpServer server;
    final List<String> rangeHeaders = new CopyOnWriteArrayList<>();
    byte[] gguf;

    @BeforeEach
    void serve() throws IOException {
        cacheFolder = dir.resolve("cache");
        gguf = Files.readAllBytes(Fixtures.gguf("tiny-F32"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/models/tiny-F32.gguf", this::sendGguf);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void sendGguf(HttpExchange exchange) throws IOException {
        String range = exchange.getRequestHeaders().getFirst("Range");
        rangeHeaders.add(String.valueOf(range));
        int from = range == null ? 0 : Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
        exchange.sendResponseHeaders(range == null ? 200 : 206, gguf.length - from);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(gguf, from, gguf.length - from);
        }
    }

    private URI httpUri(String suffix) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/models/tiny-F32.gguf" + suffix);
    }

    private static LlamaModel load(Path path) {
        return LlamaModel.load(path, LoadOptions.defaults().withThreads(2));
    }

    @Test
    void fileUri() {
        try (LlamaModel model = LlamaModel.load(Fixtures.gguf("tiny-F32").toUri(), LoadOptions.defaults().withThreads(2))) {
            ModelFiles.assertGivesLlamaCppsGreedyTokens(model);
        }
    }

    @Test
    void httpDownloadIsCachedWithProgressAndChecksum() throws Exception {
        String sha = HttpDownload.sha256(Fixtures.gguf("tiny-F32"));
        List<long[]> updates = new CopyOnWriteArrayList<>();
        ModelCache cache = ModelCache.at(cacheFolder).withProgress((what, done, total) -> updates.add(new long[] {done, total}));
        Path file = cache.fetch(httpUri("#sha256=" + sha));
        assertThat(updates.getLast()).containsExactly(gguf.length, gguf.length);
        try (LlamaModel model = load(file)) {
            ModelFiles.assertGivesLlamaCppsGreedyTokens(model);
        }
        assertThat(cache.fetch(httpUri("#sha256=" + sha))).isEqualTo(file);
        assertThat(rangeHeaders).as("the second fetch is served from the cache").hasSize(1);
    }

    @Test
    void interruptedDownloadResumesWithARangeRequest() throws Exception {
        URI uri = httpUri("");
        Path target = cacheFolder.resolve("downloads").resolve(ModelCache.shortHash(uri.getScheme() + ":" + uri.getRawSchemeSpecificPart()));
        Files.createDirectories(target);
        Files.write(target.resolve("tiny-F32.gguf.partial"), java.util.Arrays.copyOf(gguf, 1 << 20));
        Path file = ModelCache.at(cacheFolder).fetch(uri);
        assertThat(rangeHeaders).containsExactly("bytes=" + (1 << 20) + "-");
        assertThat(Files.mismatch(file, Fixtures.gguf("tiny-F32"))).isEqualTo(-1);
    }

    @Test
    void wrongChecksumIsRefused() {
        URI uri = httpUri("#sha256=" + "0".repeat(64));
        assertThatThrownBy(() -> ModelCache.at(cacheFolder).fetch(uri)).isInstanceOf(LlamaException.class)
                .hasMessageContaining("SHA-256");
    }

    @Test
    void ggufAndHfFolderInsideAJar() throws IOException {
        Path hf = SafetensorsWriter.f32Copy(Fixtures.models().resolve("tiny-hf"), dir.resolve("tiny-hf"));
        Path jar = ModelFiles.zip(Fixtures.gguf("tiny-F32"), "models/", dir.resolve("models.jar"));
        Path hfJar = ModelFiles.zip(hf, "models/tiny-hf/", dir.resolve("hf.jar"));
        String previous = System.setProperty("llama4j.cache", cacheFolder.toString());
        try {
            try (LlamaModel model = LlamaModel.load(URI.create("jar:" + jar.toUri() + "!/models/tiny-F32.gguf"))) {
                ModelFiles.assertGivesLlamaCppsGreedyTokens(model);
            }
            try (LlamaModel model = LlamaModel.load(URI.create("jar:" + hfJar.toUri() + "!/models/tiny-hf"))) {
                ModelFiles.assertGivesLlamaCppsGreedyTokens(model);
            }
            ClassLoader before = Thread.currentThread().getContextClassLoader();
            try (URLClassLoader loader = new URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, before)) {
                Thread.currentThread().setContextClassLoader(loader);
                try (LlamaModel model = LlamaModel.load(URI.create("classpath:models/tiny-F32.gguf"))) {
                    ModelFiles.assertGivesLlamaCppsGreedyTokens(model);
                }
            } finally {
                Thread.currentThread().setContextClassLoader(before);
            }
        } finally {
            if (previous == null) {
                System.clearProperty("llama4j.cache");
            } else {
                System.setProperty("llama4j.cache", previous);
            }
        }
    }
}
