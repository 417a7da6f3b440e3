package io.llama4j.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * A rendered prompt kept as a sequence of special tokens and ordinary text, so that it can become either
 * the template's string or token ids in which only the template's own special tokens are special (text
 * from users or tools that looks like {@code <|eot_id|>} stays text).
 */
final class Prompt {
    /** A special token by its text, or a run of ordinary text (consecutive text is joined). */
    private record Segment(String text, boolean special) {
    }

    private final List<Segment> segments = new ArrayList<>();
    private final StringBuilder pendingText = new StringBuilder();

    Prompt special(String specialTokenText) {
        flushText();
        segments.add(new Segment(specialTokenText, true));
        return this;
    }

    Prompt text(String text) {
        pendingText.append(text);
        return this;
    }

    private void flushText() {
        if (pendingText.length() > 0) {
            segments.add(new Segment(pendingText.toString(), false));
            pendingText.setLength(0);
        }
    }

    String render() {
        flushText();
        StringBuilder sb = new StringBuilder();
        for (Segment segment : segments) {
            sb.append(segment.text());
        }
        return sb.toString();
    }

    int[] encode(LlamaTokenizer tokenizer) {
        flushText();
        IntList ids = new IntList(256);
        for (Segment segment : segments) {
            if (segment.special()) {
                int id = tokenizer.tokenId(segment.text());
                if (id < 0 || !tokenizer.isSpecial(id)) {
                    throw new TokenizerException("the vocabulary has no special token " + segment.text());
                }
                ids.add(id);
            } else {
                for (int id : tokenizer.encode(segment.text(), false)) {
                    ids.add(id);
                }
            }
        }
        return ids.toArray();
    }
}
