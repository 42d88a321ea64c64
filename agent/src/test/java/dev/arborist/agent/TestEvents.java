package dev.arborist.agent;

import dev.arborist.events.RequestEvent;
import dev.arborist.events.StatsSketch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Telemetry events as serving writes them, for the fixture's tiny model (2 layers, 4 experts, FFN 24, attention 32). */
final class TestEvents {
    static final int LAYERS = 2;
    static final int EXPERTS = 4;
    static final int FFN = 24;
    static final int ATTN = 32;

    private TestEvents() {
    }

    static RequestEvent request(String id, String replica, String planId, int rung, double e2eSeconds, Instant finished) {
        return request(id, replica, planId, rung, e2eSeconds, finished, null);
    }

    /** @param shadow serving's comparison with dense, null for a request it did not score */
    static RequestEvent request(String id, String replica, String planId, int rung, double e2eSeconds, Instant finished,
                                RequestEvent.Shadow shadow) {
        return new RequestEvent(id, replica, AgentFixture.DEPLOYMENT, planId, planId == null ? null : rung, null, 12, 8, 0.01,
                e2eSeconds / 4, e2eSeconds / 10, e2eSeconds, "length", new RequestEvent.Features(12, "default", "short", null), shadow,
                finished.toString());
    }

    /**
     * A sketch whose routing follows {@code usage} (shares per expert, every layer) over {@code tokens}
     * sampled tokens; channel energies are a fixed profile per expert, scaled by the tokens it saw, so
     * the norm profile shifts exactly when usage does.
     *
     * @param seed picks the channel profile
     */
    static StatsSketch sketch(String replica, double[] usage, long tokens, long seed, Instant end) {
        List<StatsSketch.Layer> layers = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            long[] counts = new long[EXPERTS];
            double[] gates = new double[EXPERTS];
            List<StatsSketch.Channels> ffn = new ArrayList<>();
            for (int e = 0; e < EXPERTS; e++) {
                counts[e] = Math.round(usage[e] * tokens * 2); // top-2: each token counts twice
                gates[e] = counts[e] * 0.5;
                ffn.add(new StatsSketch.Channels(e, counts[e], profile(seed + e, FFN, counts[e])));
            }
            layers.add(new StatsSketch.Layer(l, 0.2 + 0.1 * l, counts, gates, ffn, new StatsSketch.Channels(-1, tokens, profile(seed, ATTN, tokens))));
        }
        return new StatsSketch(AgentFixture.DEPLOYMENT, replica, end.minusSeconds(1).toString(), end.toString(), 1, tokens, tokens, tokens, 2,
                layers);
    }

    private static double[] profile(long seed, int n, long rows) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rows * (0.1 + random.nextDouble());
        }
        return v;
    }
}
