package io.llama4j.examples.spring;

import io.llama4j.LlamaModel;
import io.llama4j.LoadOptions;
import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one model every request shares; its weights stay mapped until the application shuts down. */
@Configuration(proxyBeanMethods = false)
class ModelConfiguration {
    /** A URI scheme of two letters or more, so that a Windows drive ({@code C:\...}) stays a path. */
    private static final Logger LOG = LoggerFactory.getLogger(ModelConfiguration.class);
    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]+:");

    // The model holds mapped files and executor threads: close it with the context, not at JVM exit.
    @Bean(destroyMethod = "close")
    LlamaModel llamaModel(LlamaProperties properties) {
        String location = properties.model();
        if (location == null || location.isBlank()) {
            throw new IllegalStateException("llama4j.model is not set: start with --llama4j.model=PATH");
        }
        LoadOptions options = LoadOptions.defaults();
        if (properties.threads() > 0) {
            options = options.withThreads(properties.threads());
        }
        long start = System.nanoTime();
        LlamaModel model = URI_SCHEME.matcher(location).find()
                ? LlamaModel.load(URI.create(location), options)
                : LlamaModel.load(Path.of(location), options);
        LOG.info("loaded {} ({} executor, {} threads) in {} ms", location, model.executorName(), options.threads(),
                (System.nanoTime() - start) / 1_000_000);
        return model;
    }
}
