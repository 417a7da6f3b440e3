package io.llama4j;

import java.util.List;

/**
 * Keeps stop strings out of the streamed text even when they span tokens: text that might be the start of
 * a stop string is held back until the next piece shows whether it is.
 */
final class StopStrings {
    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean matched;

    StopStrings(List<String> stops) {
        this.stops = stops;
    }

    /** Adds generated text; returns the part that is certainly not (part of) a stop string. */
    String accept(String piece) {
        if (matched) {
            return "";
        }
        if (stops.isEmpty()) {
            return piece;
        }
        held.append(piece);
        int earliest = -1;
        for (String stop : stops) {
            int at = held.indexOf(stop);
            if (at >= 0 && (earliest < 0 || at < earliest)) {
                earliest = at;
            }
        }
        if (earliest >= 0) {
            matched = true;
            String before = held.substring(0, earliest);
            held.setLength(0);
            return before;
        }
        int keep = longestSuffixStartingAStop();
        int emit = held.length() - keep;
        if (emit > 0 && Character.isHighSurrogate(held.charAt(emit - 1))) {
            emit--;  // never split a surrogate pair between what is shown and what is held
        }
        String out = held.substring(0, emit);
        held.delete(0, emit);
        return out;
    }

    /** The held-back text once generation ends without a match. */
    String flush() {
        String out = matched ? "" : held.toString();
        held.setLength(0);
        return out;
    }

    boolean matched() {
        return matched;
    }

    private int longestSuffixStartingAStop() {
        int best = 0;
        for (String stop : stops) {
            for (int n = Math.min(stop.length() - 1, held.length()); n > best; n--) {
                if (held.substring(held.length() - n).equals(stop.substring(0, n))) {
                    best = n;
                    break;
                }
            }
        }
        return best;
    }
}
