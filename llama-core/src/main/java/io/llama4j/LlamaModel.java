package io.llama4j;

import io.llama4j.location.ModelCache;
import io.llama4j.spi.Executor;
import io.llama4j.spi.ExecutorOptions;
import io.llama4j.spi.ExecutorProvider;
import io.llama4j.spi.GenerationDefaults;
import io.llama4j.spi.InferenceState;
import io.llama4j.spi.ModelFormat;
import io.llama4j.spi.ModelSource;
import io.llama4j.spi.ModelSpec;
import io.llama4j.spi.OpenedModel;
import io.llama4j.tokenizer.LlamaTokenizer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * A loaded Llama 3.x model: weights mapped from the file (not copied to the heap), the tokenizer, and the
 * executor that runs them. Thread-safe; open one {@link Session} per conversation, on any thread.
 *
 * <pre>{@code
 * try (LlamaModel model = LlamaModel.load(Path.of("Llama-3.2-1B-Instruct-Q8_0.gguf"));
 *      Session session = model.newSession()) {
 *     String answer = session.generate("The capital of France is", GenerationOptions.greedy(32));
 *     System.out.println(answer);
 * }
 * }</pre>
 */
public final class LlamaModel implements AutoCloseable {
    private final OpenedModel opened;
    private final ModelSpec spec;
    private final LlamaTokenizer tokenizer;
    /** Computed on first use; racing threads compute the same value. */
    private volatile int longestTokenBytes;
    private final boolean addsBos;
    private final Executor executor;
    private final String executorName;
    /** Set once by {@link #close()}; sessions check it so that work on an unmapped model fails cleanly. */
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final PrefixCache prefixCache = new PrefixCache(this);

    private LlamaModel(OpenedModel opened, Executor executor, String executorName) {
        this.opened = opened;
        this.spec = opened.source().spec();
        this.tokenizer = opened.tokenizer();
        this.addsBos = opened.addsBos();
        this.executor = executor;
        this.executorName = executorName;
    }

    /** Loads a model with the default options. */
    public static LlamaModel load(Path path) {
        return load(path, LoadOptions.defaults());
    }

    /** Loads a model from a URI with the default options; see {@link #load(URI, LoadOptions)}. */
    public static LlamaModel load(URI location) {
        return load(location, LoadOptions.defaults());
    }

    /**
     * Loads a model from {@code file:}, {@code http(s):} (downloaded into {@link ModelCache#defaultCache()},
     * resumable, checked against {@code #sha256=HEX} when the URI carries one), {@code jar:} or
     * {@code classpath:} (a model packed in a jar). For progress reports or another cache folder, fetch with
     * {@link ModelCache#withProgress} and load the returned path.
     */
    public static LlamaModel load(URI location, LoadOptions options) {
        return load(ModelCache.defaultCache().fetch(location), options);
    }

    /**
     * Loads a model: a GGUF file, a HuggingFace folder (safetensors), a {@code .tar}/{@code .tar.gz}/{@code .tgz}/
     * {@code .zip} holding either, or any other location a {@link ModelFormat} on the class path accepts.
     *
     * @throws ModelFormatException       if the file is missing, truncated or corrupt
     * @throws UnsupportedModelException  if it is not a Llama model, or holds a tensor type without a kernel
     */
    public static LlamaModel load(Path path, LoadOptions options) {
        if (!Files.exists(path)) {
            throw new ModelFormatException(path, "no such file or folder");
        }
        ModelFormat format = chooseFormat(path);
        OpenedModel opened = format.open(path);
        try {
            ExecutorProvider provider = chooseProvider(opened.source(), options.executor());
            var executorOptions = new ExecutorOptions(options.threads(), options.executorSettings());
            Executor executor = provider.open(opened.source(), executorOptions);
            return new LlamaModel(opened, executor, provider.name());
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    private static ModelFormat chooseFormat(Path path) {
        List<ModelFormat> formats = new ArrayList<>();
        ServiceLoader.load(ModelFormat.class, LlamaModel.class.getClassLoader()).forEach(formats::add);
        return formats.stream()
                .sorted(Comparator.comparingInt(ModelFormat::priority).reversed())
                .filter(f -> f.accepts(path))
                .findFirst()
                .orElseThrow(() -> new UnsupportedModelException(path, "no model format reads it (known: "
                        + formats.stream().map(ModelFormat::name).collect(Collectors.joining(", ")) + ")"));
    }

    private static ExecutorProvider chooseProvider(ModelSource source, String requested) {
        List<ExecutorProvider> providers = new ArrayList<>();
        ServiceLoader.load(ExecutorProvider.class, LlamaModel.class.getClassLoader()).forEach(providers::add);
        if (requested != null) {
            ExecutorProvider named = providers.stream().filter(p -> p.name().equals(requested)).findFirst()
                    .orElseThrow(() -> new LlamaException("no executor named \"" + requested + "\" (available: "
                            + providers.stream().map(ExecutorProvider::name).collect(Collectors.joining(", ")) + ")"));
            if (!named.supports(source)) {
                throw new LlamaException("executor \"" + requested + "\" cannot run " + source.location());
            }
            return named;
        }
        return providers.stream().filter(p -> p.supports(source) && p.runsByDefault(source))
                .max(Comparator.comparingInt(ExecutorProvider::priority))
                .orElseThrow(() -> new LlamaException("no executor can run " + source.location()));
    }

    /** What the model is: sizes, context length, special tokens. */
    public ModelSpec spec() {
        return spec;
    }

    public LlamaTokenizer tokenizer() {
        return tokenizer;
    }

    /** The sampling settings the model's publisher recommends (HF {@code generation_config.json}); fields may be null. */
    public GenerationDefaults generationDefaults() {
        return opened.generationDefaults();
    }

    /**
     * The sampler to use when the caller chooses none: the publisher's recommendation where the model
     * carries one (Llama 3.1 Instruct: temperature 0.6, top-p 0.9), llama.cpp's defaults for the rest.
     */
    public Sampler defaultSampler() {
        GenerationDefaults d = opened.generationDefaults();
        var b = Sampler.builder(); // var: the builder type is the sampler package's once that lands
        if (d.temperature() != null) {
            b.temperature(d.temperature());
        }
        if (d.topP() != null) {
            b.topP(d.topP());
        }
        if (d.topK() != null) {
            b.topK(d.topK());
        }
        return b.build();
    }

    /** {@link GenerationOptions#defaults()} with {@link #defaultSampler()}. */
    public GenerationOptions defaultGenerationOptions() {
        return GenerationOptions.builder().sampler(defaultSampler()).build();
    }

    /** The executor running this model ({@code java}, {@code onnx}, ...). */
    public String executorName() {
        return executorName;
    }

    /**
     * As {@link #tokenizePrompt(String)} for a context of {@code contextLength} tokens: a text too long to fit
     * is refused before it is tokenized, by the lower bound of one token per
     * {@link io.llama4j.tokenizer.LlamaTokenizer#longestTokenBytes()} UTF-8 bytes. Tokenizing one unbroken run
     * of a letter or of spaces costs seconds per megabyte, so a 10 MB prompt must not reach the tokenizer
     * only to be refused afterwards.
     */
    int[] tokenizePrompt(String text, int contextLength) {
        long leastBytes = leastUtf8Bytes(text);
        int longest = longestTokenBytes();
        long leastTokens = (leastBytes + longest - 1) / longest;
        if (leastTokens > contextLength) {
            throw new ContextOverflowException("the prompt has at least " + leastTokens + " tokens ("
                    + leastBytes + " UTF-8 bytes or more, at most " + longest
                    + " bytes per token) but the session's context holds " + contextLength);
        }
        return tokenizePrompt(text);
    }

    /** UTF-8 length, counting each surrogate as 1 byte (a pair takes 4, a lone one becomes U+FFFD's 3). */
    private static long leastUtf8Bytes(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 || Character.isSurrogate(c) ? 1 : c < 0x800 ? 2 : 3;
        }
        return bytes;
    }

    private int longestTokenBytes() {
        int longest = longestTokenBytes;
        if (longest == 0) {
            longest = longestTokenBytes = tokenizer.longestTokenBytes();
        }
        return longest;
    }

    /**
     * Tokenizes a prompt as llama.cpp does: begin-of-text prepended when the model asks for it, and
     * special-token text such as {@code <|eot_id|>} parsed as the special token.
     */
    public int[] tokenizePrompt(String text) {
        int[] ids = tokenizer.encode(text, true);
        if (!addsBos || spec.bosToken() < 0) {
            return ids;
        }
        int[] withBos = new int[ids.length + 1];
        withBos[0] = spec.bosToken();
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    /**
     * A session with {@link #defaultContextLength()} tokens of context (its KV cache grows as it is used).
     * Sessions are independent: many may run on different threads at once, sharing the weights.
     */
    public Session newSession() {
        return newSession(SessionOptions.defaults());
    }

    /** A session holding at most {@code contextLength} tokens (capped at the model's trained context). */
    public Session newSession(int contextLength) {
        if (contextLength < 1) {
            throw new IllegalArgumentException("context length must be at least 1, got " + contextLength);
        }
        return newSession(SessionOptions.defaults().withContextLength(contextLength));
    }

    /** A session set up by {@code options}. */
    public Session newSession(SessionOptions options) {
        requireOpen();
        int length = options.contextLength() == 0 ? defaultContextLength(options.kvCacheType()) : options.contextLength();
        InferenceState state;
        try {
            state = executor.newState(Math.min(length, spec.contextLength()), options.kvCacheType());
        } catch (LlamaException e) {
            throw new LlamaException("executor \"" + executorName + "\": " + e.getMessage(), e);
        }
        return new Session(this, state, options);
    }

    /**
     * Bytes of KV cache per token of context on the Java executor with a float32 cache: a key and value of
     * {@code kvHeads * headDim} per layer, {@code 2 * layers * kvDim * 4}.
     */
    public long kvBytesPerToken() {
        return kvBytesPerToken(KvCacheType.F32);
    }

    /**
     * Bytes of KV cache per token of context on the Java executor:
     * {@code 2 * layers * kvHeads * headDim * type.bytesPerElement()} (for Llama 3.1 8B 256 KiB in F32, 128 KiB
     * in F16).
     */
    public long kvBytesPerToken(KvCacheType type) {
        return 2L * spec.layers() * spec.kvDim() * type.bytesPerElement();
    }

    /**
     * The context a session gets by default: the model's trained context, unless a full cache of that size
     * would not fit in half of the heap that is free now (the other half is left to activations and other
     * sessions). Then the largest multiple of 256 tokens that fits, and never less than 256 tokens (or the
     * trained context, if shorter). Sizing from the heap rather than taking 128K blindly turns "out of
     * memory after an hour of chat" into a clear {@link ContextOverflowException} or a full-context stop.
     */
    public int defaultContextLength() {
        return defaultContextLength(KvCacheType.F32);
    }

    /** {@link #defaultContextLength()} for a cache of {@code type}. */
    public int defaultContextLength(KvCacheType type) {
        Runtime runtime = Runtime.getRuntime();
        long free = runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
        long fits = free / 2 / kvBytesPerToken(type);
        long rounded = Math.max(256, fits / 256 * 256);
        return (int) Math.min(spec.contextLength(), rounded);
    }

    /**
     * Scans the weights for NaN and infinite values (every element of F32, F16 and BF16 tensors, the block
     * scales of Q8_0, Q4_0, Q4_K, Q5_K and Q6_K ones), which loading does not do because it would read the
     * whole file. Does nothing for formats whose executor reads the files itself (ONNX).
     *
     * @throws ModelFormatException naming the first tensor that holds a non-finite value, and where
     */
    public void validateWeights() {
        requireOpen();
        var weights = opened.source().weights();
        if (weights != null) {
            io.llama4j.format.WeightCheck.requireFinite(opened.source().location(), weights);
        }
    }

    /**
     * Restores a session from {@link Session#snapshot()}: the same tokens, cache, context length and cache type,
     * so that it continues exactly as the original would have.
     *
     * <pre>{@code
     * byte[] saved = session.snapshot();
     * try (Session again = model.restoreSession(saved)) {
     *     again.generate(sameHistoryPlusMore, options, System.out::print);
     * }
     * }</pre>
     *
     * @throws SnapshotFormatException if the bytes are not a snapshot, are of another format version or of
     *                                 another model (other weights, type or executor), or are corrupt or truncated
     */
    public Session restoreSession(byte[] snapshot) {
        requireOpen();
        return SessionSnapshot.read(this, new java.io.ByteArrayInputStream(snapshot), "session snapshot");
    }

    /** As {@link #restoreSession(byte[])}, from a file written by {@link Session#saveSnapshot(Path)}. */
    public Session restoreSession(Path snapshotFile) {
        requireOpen();
        try (var in = new java.io.BufferedInputStream(Files.newInputStream(snapshotFile), 1 << 16)) {
            return SessionSnapshot.read(this, in, snapshotFile.toString());
        } catch (java.io.IOException e) {
            throw new SnapshotFormatException(snapshotFile.toString(), 0, "cannot read the file: " + e.getMessage(), e);
        }
    }

    private volatile byte[] identity;

    /**
     * SHA-256 of the model's shape, its executor and a sample of every tensor (name, type, shape, and up to
     * 64 bytes at its start, middle and end): cheap to compute, and different for other weights, another
     * quantization or another executor. Snapshots carry it.
     */
    byte[] identity() {
        byte[] id = identity;
        if (id == null) {
            try {
                var sha = java.security.MessageDigest.getInstance("SHA-256");
                sha.update(SessionSnapshot.shapeText(spec, executorName).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                var weights = opened.source().weights();
                if (weights != null) {
                    for (String name : new java.util.TreeSet<>(weights.names())) {
                        var t = weights.find(name).orElseThrow();
                        sha.update((t.toString() + "|").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        long size = t.data().byteSize();
                        for (long at : new long[] {0, size / 2, Math.max(0, size - 64)}) {
                            long n = Math.min(64, size - at);
                            sha.update(t.data().asSlice(at, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                        }
                    }
                }
                id = sha.digest();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JDK", e);
            }
            identity = id;
        }
        return id.clone();
    }

    /** A short description for messages: file name, shape and executor. */
    String description() {
        Path location = opened.source().location();
        return (location.getFileName() == null ? location : location.getFileName()) + " (" + spec.layers()
                + " layers, dim " + spec.dim() + ", vocabulary " + spec.vocabularySize() + ", executor "
                + executorName + ")";
    }

    /**
     * The KV caches this model keeps from closed sessions for later prompts that start the same way; off
     * (capacity 0) until {@link PrefixCache#setCapacity(long)} is called.
     */
    public PrefixCache prefixCache() {
        return prefixCache;
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed.get();
    }

    void requireOpen() {
        if (closed.get()) {
            throw new ModelClosedException(opened.source().location() + " has been closed");
        }
    }

    /**
     * Releases the executor and unmaps the files. Sessions generating on other threads at that moment end
     * with a {@link ModelClosedException} (never a crash: the mapping is released only once no thread reads
     * it), as does any later use of this model or its sessions. Closing again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        prefixCache.clear();
        try {
            executor.close();
        } finally {
            opened.close();
        }
    }
}
