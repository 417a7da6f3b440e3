package io.llama4j.tokenizer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a generated assistant turn. Sources disagree on the exact form of a custom tool call (Meta's
 * prompt-format doc shows {@code <|python_tag|>} and {@code <|eom_id|>}; the HF template writes neither and
 * ends with {@code <|eot_id|>}), so every combination is accepted:
 * <ul>
 *   <li>a trailing {@code <|eot_id|>}, {@code <|eom_id|>} or {@code <|end_of_text|>} is dropped;</li>
 *   <li>{@code <|python_tag|>name.call(arg="value", ...)} is a built-in tool call;</li>
 *   <li>a JSON object with "name" and "parameters" (or "arguments"), with or without the tag, is a custom
 *       call, and so is {@code <function=name>{...}</function>};</li>
 *   <li>anything else after the tag is code for the interpreter; anything else without it is text.</li>
 * </ul>
 */
final class ToolCallParser {
    private ToolCallParser() {
    }

    static AssistantReply parse(String generated) {
        String text = generated;
        for (boolean stripped = true; stripped; ) {
            stripped = false;
            for (String stop : new String[] {ChatFormat.EOT, ChatFormat.EOM, ChatFormat.END_OF_TEXT}) {
                if (text.endsWith(stop)) {
                    text = text.substring(0, text.length() - stop.length());
                    stripped = true;
                }
            }
        }
        String body = PythonStrings.strip(text);
        boolean tagged = body.startsWith(ChatFormat.PYTHON_TAG);
        if (tagged) {
            body = PythonStrings.strip(body.substring(ChatFormat.PYTHON_TAG.length()));
            ToolCall builtin = parseBuiltinCall(body);
            if (builtin != null) {
                return new AssistantReply.ToolCallReply(builtin, true);
            }
        }
        ToolCall json = parseJsonCall(body);
        if (json == null) {
            json = parseFunctionTag(body);
        }
        if (json != null) {
            return new AssistantReply.ToolCallReply(json, false);
        }
        return tagged ? new AssistantReply.CodeInterpreterCall(body) : new AssistantReply.Text(text);
    }

    /** {@code {"name": "f", "parameters": {...}}} filling the whole body, or null. */
    @SuppressWarnings("unchecked")
    private static ToolCall parseJsonCall(String body) {
        if (!body.startsWith("{") || !body.endsWith("}")) {
            return null;
        }
        Object parsed;
        try {
            parsed = JsonReader.parse(body, "tool call");
        } catch (TokenizerException notJson) {
            return null;
        }
        Map<String, Object> object = (Map<String, Object>) parsed;
        Object name = object.get("name");
        Object arguments = object.containsKey("parameters") ? object.get("parameters") : object.get("arguments");
        if (!(name instanceof String) || !(arguments instanceof Map) || object.size() != 2) {
            return null;
        }
        return new ToolCall((String) name, (Map<String, Object>) arguments);
    }

    /** Meta's user-defined format {@code <function=name>{"arg": ...}</function>}, or null. */
    @SuppressWarnings("unchecked")
    private static ToolCall parseFunctionTag(String body) {
        String open = "<function=";
        String close = "</function>";
        int nameEnd = body.indexOf('>');
        if (!body.startsWith(open) || !body.endsWith(close) || nameEnd < 0) {
            return null;
        }
        String name = body.substring(open.length(), nameEnd);
        String json = body.substring(nameEnd + 1, body.length() - close.length());
        try {
            Object parsed = JsonReader.parse(json, "function call");
            return parsed instanceof Map && !name.isEmpty() ? new ToolCall(name, (Map<String, Object>) parsed) : null;
        } catch (TokenizerException notJson) {
            return null;
        }
    }

    /** {@code name.call(key="value", key2=3)}: identifiers, then Python string or number literals. */
    private static ToolCall parseBuiltinCall(String body) {
        int dot = body.indexOf(".call(");
        if (dot <= 0 || !body.endsWith(")") || !isIdentifier(body.substring(0, dot))) {
            return null;
        }
        String name = body.substring(0, dot);
        String args = body.substring(dot + ".call(".length(), body.length() - 1);
        Map<String, Object> arguments = new LinkedHashMap<>();
        int i = 0;
        while (true) {
            i = skipSpaces(args, i);
            if (i >= args.length()) {
                break;
            }
            int eq = args.indexOf('=', i);
            if (eq < 0 || !isIdentifier(args.substring(i, eq).trim())) {
                return null;
            }
            String key = args.substring(i, eq).trim();
            i = skipSpaces(args, eq + 1);
            if (i >= args.length()) {
                return null;
            }
            char quote = args.charAt(i);
            if (quote == '"' || quote == '\'') {
                StringBuilder value = new StringBuilder();
                int j = i + 1;
                for (; j < args.length() && args.charAt(j) != quote; j++) {
                    char c = args.charAt(j);
                    if (c == '\\' && j + 1 < args.length()) {
                        c = args.charAt(++j);
                        c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
                    }
                    value.append(c);
                }
                if (j >= args.length()) {
                    return null;   // unterminated string
                }
                arguments.put(key, value.toString());
                i = j + 1;
            } else {
                int end = args.indexOf(',', i);
                end = end < 0 ? args.length() : end;
                String literal = args.substring(i, end).trim();
                try {
                    arguments.put(key, literal.matches("-?\\d+") ? (Object) Long.parseLong(literal)
                            : (Object) Double.parseDouble(literal));
                } catch (NumberFormatException e) {
                    return null;
                }
                i = end;
            }
            i = skipSpaces(args, i);
            if (i < args.length()) {
                if (args.charAt(i) != ',') {
                    return null;
                }
                i++;
            }
        }
        return new ToolCall(name, arguments);
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0)) || s.charAt(0) == '$') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!Character.isJavaIdentifierPart(s.charAt(i)) || s.charAt(i) == '$') {
                return false;
            }
        }
        return true;
    }
}
