package io.llama4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Short pieces are merged by scanning an array, long ones with a heap; both must apply the same rules in
 * the same order (priority, then leftmost), on any piece.
 */
class BothMergeStrategiesAgree {
    @Test
    void onRandomPieces() {
        BytePairEncoder encoder = Fixtures.fromGgufArrays().encoder;
        Random random = new Random(3);
        String[] alphabets = {"abcdefghijklmnopqrstuvwxyz", "aaaaab", "!!--==..", "éèàçüößñ", "日本語中文한국어", "0123456789"};
        BytePairEncoder.Scratch scratch = new BytePairEncoder.Scratch();
        for (int n = 0; n < 3000; n++) {
            String alphabet = alphabets[random.nextInt(alphabets.length)];
            StringBuilder sb = new StringBuilder();
            int length = 1 + random.nextInt(120);
            for (int i = 0; i < length; i++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            IntList scanned = new IntList(8);
            IntList heaped = new IntList(8);
            encoder.encodeByScanning(bytes, bytes.length, scratch, scanned);
            encoder.encodeWithHeap(bytes, bytes.length, scratch, heaped);
            assertArrayEquals(scanned.toArray(), heaped.toArray(), sb::toString);
        }
    }
}
