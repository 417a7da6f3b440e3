package io.llama4j.examples.spring;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.llama4j.Generation;
import java.util.Locale;

/**
 * What {@code POST /generate} returns, and the last event of {@code /generate/stream}: the text, the token
 * ids of prompt and output (the ending end-of-generation token included), why it stopped, and its speed.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
record GenerateResponse(String text, int[] ids, int[] promptIds, String stopReason, double prefillTokensPerS,
                        double decodeTokensPerS) {

    static GenerateResponse of(Generation g) {
        return new GenerateResponse(g.text(), g.ids(), g.promptIds(), g.stopReason().name().toLowerCase(Locale.ROOT),
                g.prefillTokensPerSecond(), g.decodeTokensPerSecond());
    }
}
