package io.llama4j.tokenizer;

/**
 * The tools Llama 3.1 was trained to call in its own syntax ({@code <|python_tag|>brave_search.call(query="...")}).
 * Any of them enables "Environment: ipython"; the code interpreter is implied by that line and so is not
 * listed under "Tools:".
 *
 * <pre>{@code
 * ChatFormat format = ChatFormat.llama31().withBuiltinTools(BuiltinTool.BRAVE_SEARCH, BuiltinTool.WOLFRAM_ALPHA);
 * }</pre>
 */
public enum BuiltinTool {
    BRAVE_SEARCH("brave_search"),
    WOLFRAM_ALPHA("wolfram_alpha"),
    CODE_INTERPRETER("code_interpreter");

    private final String toolName;

    BuiltinTool(String toolName) {
        this.toolName = toolName;
    }

    /** The name the prompt and the model's calls use. */
    public String toolName() {
        return toolName;
    }

    /** The built-in tool with this name, or null. */
    public static BuiltinTool named(String name) {
        for (BuiltinTool tool : values()) {
            if (tool.toolName.equals(name)) {
                return tool;
            }
        }
        return null;
    }
}
