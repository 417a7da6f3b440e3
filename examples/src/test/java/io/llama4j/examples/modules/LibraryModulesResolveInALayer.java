package io.llama4j.examples.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The library jars are JPMS modules that resolve on their own: with only their declared dependencies on a module
 * path, resolving io.llama4j.core binds io.llama4j.onnx as a provider of core's services (as {@code java
 * --module-path} does at startup), {@code ServiceLoader} finds every provider in the layer, and the demo model loads and generates llama.cpp's greedy tokens through the exported API. This
 * test runs on the class path (as the examples do) and builds the layer itself, over the same jars or class
 * folders the build produced, with the platform class loader as parent so nothing leaks in from the class path.
 */
class LibraryModulesResolveInALayer {
    private static final Set<String> LIBRARY = Set.of("io.llama4j.tokenizer", "io.llama4j.core", "io.llama4j.onnx");

    private static ModuleLayer layer;

    @BeforeAll
    static void defineTheLayer() throws Exception {
        // One class of each module the library modules require, directly or through their dependencies.
        Path[] modulePath = locations(
                "io.llama4j.tokenizer.LlamaTokenizer", "io.llama4j.LlamaModel", "io.llama4j.onnx.OnnxExecutorProvider",
                "ai.onnxruntime.OrtEnvironment", "com.google.protobuf.Message",
                "com.fasterxml.jackson.databind.ObjectMapper", "com.fasterxml.jackson.core.JsonFactory",
                "com.fasterxml.jackson.annotation.JsonProperty",
                "org.apache.commons.compress.archivers.ArchiveStreamFactory", "org.apache.commons.io.IOUtils",
                "org.apache.commons.lang3.StringUtils", "org.apache.commons.codec.binary.Hex");
        Configuration configuration = ModuleLayer.boot().configuration()
                .resolveAndBind(ModuleFinder.of(modulePath), ModuleFinder.of(), Set.of("io.llama4j.core"));
        layer = ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void resolvingCoreBindsTheOnnxModuleThroughItsServices() {
        assertTrue(layer.findModule("io.llama4j.onnx").isPresent(), "io.llama4j.onnx was not bound");
        assertTrue(layer.findModule("com.microsoft.onnxruntime").isPresent(), "ONNX Runtime was not resolved");
    }

    @Test
    void theLibraryModulesAreNamedModulesNotAutomaticOnes() {
        for (String name : LIBRARY) {
            ModuleDescriptor descriptor = descriptor(name);
            assertFalse(descriptor.isAutomatic(), name + " has no module-info");
        }
        assertTrue(descriptor("io.llama4j.core").requires().stream().anyMatch(r -> r.name().equals("io.llama4j.tokenizer")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)), "core requires transitive the tokenizer");
        assertTrue(descriptor("io.llama4j.core").requires().stream().anyMatch(r -> r.name().equals("jdk.incubator.vector")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)), "the Vector API stays optional");
    }

    @Test
    void coreExportsItsApiAndSpiButNotItsInternals() {
        Map<String, Set<String>> exports = descriptor("io.llama4j.core").exports().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Exports::source, ModuleDescriptor.Exports::targets));
        for (String api : List.of("io.llama4j", "io.llama4j.spi", "io.llama4j.location", "io.llama4j.sampling",
                "io.llama4j.structured")) {
            assertEquals(Set.of(), exports.get(api), api + " is exported to everyone");
        }
        for (String internal : descriptor("io.llama4j.core").packages()) {
            boolean api = internal.equals("io.llama4j") || internal.startsWith("io.llama4j.spi")
                    || internal.equals("io.llama4j.location") || internal.equals("io.llama4j.sampling")
                    || internal.equals("io.llama4j.structured");
            if (!api) {
                Set<String> targets = exports.get(internal);
                assertTrue(targets == null || targets.equals(Set.of("io.llama4j.onnx")),
                        () -> internal + " is internal but exported to " + (targets.isEmpty() ? "everyone" : targets));
            }
        }
    }

    @Test
    void everyServicesFileEntryIsProvidedToTheModuleSystem() throws IOException {
        // A named module's META-INF/services is ignored: a provider missing from `provides` silently disappears.
        for (String name : LIBRARY) {
            ResolvedModule module = layer.configuration().findModule(name).orElseThrow();
            Map<String, Set<String>> servicesFiles = new TreeMap<>();
            ModuleReference reference = module.reference();
            try (ModuleReader reader = reference.open()) {
                for (String resource : reader.list().filter(r -> r.startsWith("META-INF/services/") && !r.endsWith("/")).toList()) {
                    try (InputStream in = reader.open(resource).orElseThrow()) {
                        Set<String> classes = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                                .map(line -> line.replaceAll("#.*", "").strip()).filter(line -> !line.isEmpty())
                                .collect(Collectors.toCollection(TreeSet::new));
                        servicesFiles.put(resource.substring("META-INF/services/".length()), classes);
                    }
                }
            }
            Map<String, Set<String>> provides = new TreeMap<>();
            for (ModuleDescriptor.Provides p : reference.descriptor().provides()) {
                provides.put(p.service(), new TreeSet<>(p.providers()));
            }
            assertEquals(servicesFiles, provides, name + ": META-INF/services against module-info's provides");
        }
    }

    @Test
    void serviceLoaderFindsTheExecutorsAndFormatsOfBothModules() throws Exception {
        assertEquals(Set.of("java", "onnx"), providerNames("io.llama4j.spi.ExecutorProvider"));
        Set<String> formats = providerNames("io.llama4j.spi.ModelFormat");
        assertTrue(formats.size() == 4, "four model formats (GGUF, HF folder, archive, ONNX folder): " + formats);
    }

    @Test
    void theDemoModelGeneratesLlamaCppsGreedyTokensThroughTheLayer() throws Exception {
        Path folder = Path.of(System.getProperty("llama4j.demo.folder", "demo-model"));
        JsonNode ref = new ObjectMapper().readTree(folder.resolve("Llama-Fortunes-demo-Q8_0.ref.json").toFile());
        JsonNode first = ref.get("results").get(0);
        int[] expected = ints(first.get("output_tokens"));

        ClassLoader loader = layer.findLoader("io.llama4j.core");
        Class<?> llamaModel = loader.loadClass("io.llama4j.LlamaModel");
        Class<?> options = loader.loadClass("io.llama4j.GenerationOptions");
        assertSame(layer, llamaModel.getModule().getLayer(), "the API class comes from the layer, not the class path");
        Object greedy = options.getMethod("greedy", int.class).invoke(null, expected.length);
        try (AutoCloseable model = (AutoCloseable) llamaModel.getMethod("load", Path.class)
                .invoke(null, folder.resolve("Llama-Fortunes-demo-Q8_0.gguf"))) {
            int[] prompt = (int[]) llamaModel.getMethod("tokenizePrompt", String.class).invoke(model, first.get("text").asText());
            assertTrue(Arrays.equals(ints(first.get("prompt_tokens")), prompt), "prompt ids equal llama.cpp's");
            try (AutoCloseable session = (AutoCloseable) llamaModel.getMethod("newSession", int.class).invoke(model, 256)) {
                Method generate = session.getClass().getMethod("generate", int[].class, options, Consumer.class);
                Consumer<String> ignore = piece -> { };
                Object generation = generate.invoke(session, prompt, greedy, ignore);
                int[] ours = (int[]) generation.getClass().getMethod("ids").invoke(generation);
                assertTrue(ours.length >= 4, "generated " + ours.length + " tokens");
                assertTrue(Arrays.equals(ours, Arrays.copyOf(expected, ours.length)),
                        "ours  " + Arrays.toString(ours) + "\nllama " + Arrays.toString(expected));
            }
        }
    }

    private static Set<String> providerNames(String serviceName) throws Exception {
        Class<?> service = layer.findLoader("io.llama4j.core").loadClass(serviceName);
        Method name = service.getMethod("name");
        Set<String> names = new TreeSet<>();
        List<String> modules = new ArrayList<>();
        for (Object provider : java.util.ServiceLoader.load(layer, service)) {
            names.add((String) name.invoke(provider));
            modules.add(provider.getClass().getModule().getName());
        }
        assertTrue(modules.stream().allMatch(LIBRARY::contains), "providers come from the library modules: " + modules);
        return names;
    }

    private static ModuleDescriptor descriptor(String name) {
        return layer.findModule(name).orElseThrow(() -> new AssertionError(name + " is not in the layer")).getDescriptor();
    }

    private static Path[] locations(String... classNames) throws ClassNotFoundException, URISyntaxException {
        Set<Path> paths = new java.util.LinkedHashSet<>();
        for (String className : classNames) {
            Class<?> type = Class.forName(className, false, LibraryModulesResolveInALayer.class.getClassLoader());
            var source = type.getProtectionDomain().getCodeSource();
            if (source == null) {
                fail(className + " has no code source");
            }
            paths.add(Path.of(source.getLocation().toURI()));
        }
        return paths.toArray(Path[]::new);
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
