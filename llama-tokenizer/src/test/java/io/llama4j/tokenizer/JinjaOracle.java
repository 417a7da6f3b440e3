package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.PrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders the chat template with jinjava, set up as HF transformers sets up Jinja2 for chat templates:
 * trim_blocks and lstrip_blocks on, jinjava's Jinja2-compatible behaviour ({@link LegacyOverrides#ALL}),
 * unknown tokens fatal, and the three functions where HF's Jinja2 differs from jinjava:
 * <ul>
 *   <li>{@code tojson}: HF overrides Jinja's filter with {@code json.dumps(x, ensure_ascii=False,
 *       indent=indent)}; reproduced here with Jackson and a printer using Python's separators;</li>
 *   <li>{@code items}: Jinja 3.1's filter, a dict's (key, value) pairs;</li>
 *   <li>{@code is iterable}: in Jinja2 anything Python can iterate, strings included (jinjava says
 *       false for strings), which makes the template JSON-encode a string tool result.</li>
 * </ul>
 * Nothing here comes from the code under test.
 */
final class JinjaOracle {
    /**
     * jinjava's switches towards Jinja2 behaviour, all on except "whitespace required within tokens",
     * which would stop {@code {{-} from being read as whitespace control.
     */
    private static final LegacyOverrides JINJA2_COMPATIBLE = LegacyOverrides.newBuilder()
            .withEvaluateMapKeys(true)
            .withIterateOverMapKeys(true)
            .withUsePyishObjectMapper(true)
            .withUseNaturalOperatorPrecedence(true)
            .withParseWhitespaceControlStrictly(true)
            .withAllowAdjacentTextNodes(true)
            .withUseTrimmingForNotesAndExpressions(true)
            .withKeepNullableLoopValues(true)
            .build();

    private JinjaOracle() {
    }

    static String render(String template, ChatFormatMatchesTheJinjaTemplate.Conversation conversation) {
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(JINJA2_COMPATIBLE)
                .withFailOnUnknownTokens(true)
                .build());
        jinjava.getGlobalContext().registerFilter(new PythonToJson());
        jinjava.getGlobalContext().registerFilter(new Items());
        jinjava.getGlobalContext().registerExpTest(new PythonIterable());

        Map<String, Object> context = new HashMap<>(conversation.templateVariables());
        context.put("bos_token", "<|begin_of_text|>");
        context.put("add_generation_prompt", conversation.addGenerationPrompt());
        context.put("messages", ChatFormatMatchesTheJinjaTemplate.templateMessages(conversation.messages()));
        RenderResult result = jinjava.renderForResult(withJinja2Precedence(template), context);
        assertEquals(List.of(), result.getErrors(), "the template must render without errors");
        return result.getOutput();
    }

    /**
     * In Jinja2 {@code not x is defined} means {@code not (x is defined)}; jinjava binds {@code not} tighter
     * and reads {@code (not x) is defined}, which is always true. The template writes four tests this way;
     * they are rewritten to the equivalent {@code x is not defined} / {@code x is not none}, changing nothing
     * else, and the rewrite is checked to have happened.
     */
    static String withJinja2Precedence(String template) {
        java.util.regex.Matcher tests = NOT_X_IS.matcher(template);
        assertEquals(4, tests.results().count(), "the template should contain four 'not x is ...' tests");
        return NOT_X_IS.matcher(template).replaceAll("$1 is not $2");
    }

    private static final java.util.regex.Pattern NOT_X_IS =
            java.util.regex.Pattern.compile("not (\\w+) is (defined|none)");

    /** HF's tojson: Python json.dumps with ensure_ascii=False and an optional indent. */
    static final class PythonToJson implements AdvancedFilter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.get("indent");
            try {
                return new ObjectMapper()
                        .writer(new PythonSeparators(indent == null ? null : " ".repeat(((Number) indent).intValue())))
                        .writeValueAsString(var);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Jinja2's iterable test: Python's iter() accepts strings, lists, dicts. */
    static final class PythonIterable implements ExpTest {
        @Override
        public String getName() {
            return "iterable";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var instanceof String || var instanceof Iterable || var instanceof Map
                    || (var != null && var.getClass().isArray());
        }
    }

    /** Jinja 3.1's items filter. */
    static final class Items implements Filter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return new ArrayList<>(((Map<?, ?>) var).entrySet());
        }
    }

    /**
     * Python's json.dumps layout: without indent, {@code ", "} and {@code ": "}; with indent, one member per
     * line, {@code ","} at line ends, and {@code {}} / {@code []} for empty containers.
     */
    static final class PythonSeparators implements PrettyPrinter {
        private final String indent;
        private int depth;

        PythonSeparators(String indent) {
            this.indent = indent;
        }

        private void newline(JsonGenerator g) throws IOException {
            if (indent != null) {
                g.writeRaw("\n" + indent.repeat(depth));
            }
        }

        @Override
        public void writeRootValueSeparator(JsonGenerator g) {
        }

        @Override
        public void writeStartObject(JsonGenerator g) throws IOException {
            g.writeRaw('{');
            depth++;
        }

        @Override
        public void beforeObjectEntries(JsonGenerator g) throws IOException {
            newline(g);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(": ");
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(indent == null ? ", " : ",");
            newline(g);
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            depth--;
            if (entries > 0) {
                newline(g);
            }
            g.writeRaw('}');
        }

        @Override
        public void writeStartArray(JsonGenerator g) throws IOException {
            g.writeRaw('[');
            depth++;
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            newline(g);
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(indent == null ? ", " : ",");
            newline(g);
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            depth--;
            if (values > 0) {
                newline(g);
            }
            g.writeRaw(']');
        }
    }
}
