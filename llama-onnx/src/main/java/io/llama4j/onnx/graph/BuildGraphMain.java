package io.llama4j.onnx.graph;

import io.llama4j.location.LoadProgress;
import io.llama4j.spi.ModelFormat;
import io.llama4j.spi.OpenedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Builds a model's graph into a cache folder and prints one JSON line with the time and size, for the
 * comparison script ({@code jmh/compare-onnx-built.sh}), which measures its peak memory from outside.
 *
 * <pre>{@code
 * java -cp llama4j-cli.jar io.llama4j.onnx.graph.BuildGraphMain MODEL CACHE_FOLDER [fp32|fp16] [4|8]
 * java -p mods -m io.llama4j.onnx/io.llama4j.onnx.graph.BuildGraphMain model.gguf /tmp/graphs fp32 4
 * }</pre>
 */
public final class BuildGraphMain {
    private BuildGraphMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: BuildGraphMain MODEL CACHE_FOLDER [fp32|fp16] [K-quant bits 4|8]");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        Precision precision = args.length > 2 ? Precision.valueOf(args[2].toUpperCase(Locale.ROOT)) : Precision.FP32;
        int kQuantBits = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        List<ModelFormat> formats = new ArrayList<>();
        ServiceLoader.load(ModelFormat.class).forEach(formats::add);
        ModelFormat format = formats.stream().sorted(Comparator.comparingInt(ModelFormat::priority).reversed())
                .filter(f -> f.accepts(model)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no format reads " + model));
        long start = System.nanoTime();
        try (OpenedModel opened = format.open(model)) {
            long opening = (System.nanoTime() - start) / 1_000_000;
            BuiltGraph built = GraphCache.at(Path.of(args[1])).obtain(opened.source(),
                    new GraphOptions(precision, false, 4, kQuantBits), LoadProgress.NONE);
            long bytes;
            try (Stream<Path> files = Files.list(built.folder())) {
                bytes = files.mapToLong(f -> f.toFile().length()).sum();
            }
            System.out.printf(Locale.ROOT, "{\"open_ms\":%d,\"build_ms\":%d,\"reused\":%b,\"graph_bytes\":%d,"
                            + "\"requantized\":%d,\"worst_relative_rms_error\":%.5f,\"folder\":\"%s\"}%n",
                    opening, built.buildMillis(), built.reused(), bytes, built.requantizations().size(),
                    built.worstRequantizationError(), built.folder());
        }
    }
}
