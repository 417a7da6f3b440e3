package io.llama4j;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/** The standard chain: top-k, top-p, temperature, draw. Temperature 0 is greedy. */
record TemperatureSampler(float temperature, int topK, float topP) implements Sampler {
    static final TemperatureSampler GREEDY = new TemperatureSampler(0, 0, 1);

    @Override
    public int sample(float[] logits, RandomGenerator random) {
        if (temperature == 0) {
            return argmax(logits);
        }
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int kept = topK > 0 ? Math.min(topK, order.length) : order.length;

        double max = logits[order[0]];
        double[] p = new double[kept];
        double total = 0;
        for (int i = 0; i < kept; i++) {
            p[i] = Math.exp(logits[order[i]] - max);
            total += p[i];
        }
        if (topP < 1) {
            double cumulative = 0;
            for (int i = 0; i < kept; i++) {
                cumulative += p[i] / total;
                if (cumulative >= topP) {
                    kept = i + 1;
                    break;
                }
            }
        }
        double sum = 0;
        double[] weights = new double[kept];
        for (int i = 0; i < kept; i++) {
            weights[i] = Math.exp((logits[order[i]] - max) / temperature);
            sum += weights[i];
        }
        double r = random.nextDouble() * sum;
        for (int i = 0; i < kept; i++) {
            r -= weights[i];
            if (r < 0) {
                return order[i];
            }
        }
        return order[kept - 1];
    }

    static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }
}
