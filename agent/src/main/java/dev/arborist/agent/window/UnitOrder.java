package dev.arborist.agent.window;

import dev.arborist.events.StatsSketch;
import dev.arborist.model.nn.Level;
import dev.arborist.policies.plan.PlanEntry;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.structured.entry.ChannelPermutation;
import dev.arborist.policies.structured.entry.ExpertPermutation;
import dev.arborist.policies.structured.entry.KvGroupPermutation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each unit of a served elastic plan sits in the dense base model. Serving runs the
 * importance-permuted weights, so a sketch measured there lists experts, FFN channels and
 * attention dims in permuted order, and at a sparse level only a prefix of them; statistics are
 * kept in base order (plans are always built from the dense base), so such a sketch is mapped back
 * first. Units a level did not run count zero.
 */
public final class UnitOrder {
    private final TrafficShape shape;
    private final Map<Integer, List<Integer>> experts = new HashMap<>(); // layer → order.get(i) = base expert at position i
    private final Map<String, List<Integer>> channels = new HashMap<>(); // "layer/base expert" → base channel at position i
    private final Map<Integer, List<Integer>> kvGroups = new HashMap<>(); // layer → base KV group at position i
    private final int kvHeads;

    private UnitOrder(TrafficShape shape, int kvHeads) {
        this.shape = shape;
        this.kvHeads = kvHeads;
    }

    /** The base model's own order: sketches of the dense model pass unchanged. */
    public static UnitOrder identity(TrafficShape shape, int kvHeads) {
        return new UnitOrder(shape, kvHeads);
    }

    /** The order a plan's permutation entries produce (channel permutations name base experts: they apply first). */
    public static UnitOrder of(PruningPlan permutation, TrafficShape shape, int kvHeads) {
        UnitOrder o = new UnitOrder(shape, kvHeads);
        for (PlanEntry e : permutation.entries()) {
            if (e instanceof ExpertPermutation p) {
                o.experts.put(p.layer(), p.order());
            } else if (e instanceof ChannelPermutation p) {
                o.channels.put(p.layer() + "/" + p.expert(), p.order());
            } else if (e instanceof KvGroupPermutation p) {
                o.kvGroups.put(p.layer(), p.order());
            }
        }
        return o;
    }

    /** (E) which base experts of a MoE layer run at {@code level}: the first expertsKept positions. */
    public boolean[] keptExperts(int layer, Level level) {
        boolean[] kept = new boolean[shape.experts()];
        for (int i = 0; i < Math.min(level.expertsKept(), shape.experts()); i++) {
            kept[base(experts.get(layer), i)] = true;
        }
        return kept;
    }

    /** (f) which base channels of a base expert's FFN (-1: the dense MLP) run at {@code level}. */
    public boolean[] keptChannels(int layer, int baseExpert, Level level) {
        boolean[] kept = new boolean[shape.ffnWidth()];
        List<Integer> order = channels.get(layer + "/" + baseExpert);
        for (int i = 0; i < level.keptChannels(shape.ffnWidth()); i++) {
            kept[base(order, i)] = true;
        }
        return kept;
    }

    /** The sketch with every array in base order and full width; absent units are zero. */
    public StatsSketch toBase(StatsSketch s) {
        List<StatsSketch.Layer> layers = new ArrayList<>();
        for (StatsSketch.Layer l : s.layers()) {
            layers.add(layer(l));
        }
        return new StatsSketch(s.deployment(), s.replica(), s.windowStart(), s.windowEnd(), s.sampleEvery(), s.steps(), s.sampledSteps(),
                s.sampledTokens(), s.expertsPerToken(), layers, null, s.rung());
    }

    private StatsSketch.Layer layer(StatsSketch.Layer l) {
        int layer = l.layer();
        List<Integer> expertOrder = experts.get(layer);
        long[] routing = l.routingCounts() == null ? null : new long[shape.experts()];
        double[] gates = l.gateSums() == null ? null : new double[shape.experts()];
        for (int i = 0; routing != null && i < Math.min(l.routingCounts().length, shape.experts()); i++) {
            routing[base(expertOrder, i)] = l.routingCounts()[i];
        }
        for (int i = 0; gates != null && i < Math.min(l.gateSums().length, shape.experts()); i++) {
            gates[base(expertOrder, i)] = l.gateSums()[i];
        }
        List<StatsSketch.Channels> ffn = new ArrayList<>();
        for (StatsSketch.Channels c : l.ffnOut()) {
            int expert = c.expert() < 0 ? -1 : base(expertOrder, c.expert());
            ffn.add(new StatsSketch.Channels(expert, c.rows(), scatter(c.sumSquares(), channels.get(layer + "/" + expert), 1, shape.ffnWidth())));
        }
        StatsSketch.Channels attn = l.attnOut() == null ? null : new StatsSketch.Channels(l.attnOut().expert(), l.attnOut().rows(),
                scatter(l.attnOut().sumSquares(), kvGroups.get(layer), shape.attnWidth() / kvHeads, shape.attnWidth()));
        return new StatsSketch.Layer(layer, l.blockInfluence(), routing, gates, ffn, attn);
    }

    /**
     * Puts blocks of {@code block} values back at their base positions: block i of {@code served}
     * came from base block order.get(i). A shorter array is the prefix a level ran.
     */
    private static double[] scatter(double[] served, List<Integer> order, int block, int width) {
        if (served == null || served.length > width) {
            return served; // the shape check names the problem
        }
        double[] out = new double[width];
        for (int i = 0; i < served.length; i++) {
            out[base(order, i / block) * block + i % block] = served[i];
        }
        return out;
    }

    private static int base(List<Integer> order, int position) {
        return order == null ? position : order.get(position);
    }
}
