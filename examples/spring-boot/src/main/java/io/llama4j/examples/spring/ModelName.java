package io.llama4j.examples.spring;

/** The name the OpenAI API reports for the served model: the last segment of {@code llama4j.model}. */
final class ModelName {
    private ModelName() {
    }

    static String of(LlamaProperties properties) {
        String location = properties.model() == null ? "" : properties.model();
        String trimmed = location.replaceAll("[/\\\\]+$", "");
        int slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
        String name = trimmed.substring(slash + 1);
        int fragment = name.indexOf('#');
        return fragment >= 0 ? name.substring(0, fragment) : name;
    }
}
