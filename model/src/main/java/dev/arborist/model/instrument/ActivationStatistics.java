package dev.arborist.model.instrument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Accumulates what pruning needs from forward passes: per linear site the squared activation sums
 * (and optionally X^T X for SparseGPT), per layer and expert the routing counts and gate sums, per
 * layer the block influence 1 - cos(in, out) (ShortGPT, Men et al. 2024). Collection can be turned
 * on and off between steps so serving can sample.
 */
public final class ActivationStatistics implements Instrumentation, AutoCloseable {
    private final int experts;
    private final boolean hessians;
    private final NDManager manager;
    private final Set<LinearSite> sites;
    private final Map<SiteKey, ChannelStats> channels = new HashMap<>();
    private final Map<SiteKey, NDArray> gramians = new HashMap<>();
    private final Map<Integer, long[]> routingCounts = new HashMap<>();
    private final Map<Integer, double[]> gateSums = new HashMap<>();
    private final Map<Integer, double[]> influence = new HashMap<>(); // layer -> {sum(1-cos), tokens}
    private volatile boolean active = true;

    /**
     * @param experts experts per MoE layer (0 for dense models)
     * @param hessians also accumulate X^T X per site (memory: in^2 floats per site)
     * @param manager owns the accumulated X^T X arrays
     */
    public ActivationStatistics(int experts, boolean hessians, NDManager manager) {
        this(experts, hessians, manager, EnumSet.allOf(LinearSite.class));
    }

    /** @param sites the linear sites whose channel statistics are gathered; the others cost nothing */
    public ActivationStatistics(int experts, boolean hessians, NDManager manager, Set<LinearSite> sites) {
        this.experts = experts;
        this.hessians = hessians;
        this.manager = manager.newSubManager();
        this.sites = EnumSet.copyOf(sites);
    }

    public void setActive(boolean on) {
        this.active = on;
    }

    @Override
    public boolean active() {
        return active;
    }

    @Override
    public boolean observes(LinearSite site) {
        return sites.contains(site);
    }

    @Override
    public synchronized void linearInput(int layer, LinearSite site, int expert, NDArray x) {
        if (x.getShape().get(0) == 0 || !sites.contains(site)) {
            return;
        }
        SiteKey key = new SiteKey(layer, site, expert);
        int in = (int) x.getShape().get(1);
        channels.computeIfAbsent(key, k -> new ChannelStats(in)).add(x.square().sum(new int[] {0}).toFloatArray(), x.getShape().get(0));
        if (hessians) {
            NDArray xtx = x.transpose().matMul(x); // (in, in)
            NDArray acc = gramians.get(key);
            if (acc == null) {
                acc = persistent(manager.zeros(xtx.getShape()));
                gramians.put(key, acc);
            }
            acc.addi(xtx);
        }
    }

    @Override
    public synchronized void routing(int layer, long[] chosen, float[] gates, int topK) {
        long[] counts = routingCounts.computeIfAbsent(layer, l -> new long[experts]);
        double[] sums = gateSums.computeIfAbsent(layer, l -> new double[experts]);
        for (int p = 0; p < chosen.length; p++) {
            counts[(int) chosen[p]]++;
            sums[(int) chosen[p]] += gates[p];
        }
    }

    @Override
    public synchronized void blockIO(int layer, NDArray in, NDArray out) {
        NDArray cos = in.mul(out).sum(new int[] {1}).div(in.norm(new int[] {1}).mul(out.norm(new int[] {1})).add(1e-12f)); // (N)
        double[] acc = influence.computeIfAbsent(layer, l -> new double[2]);
        for (float c : cos.toFloatArray()) {
            acc[0] += 1 - c;
        }
        acc[1] += cos.size();
    }

    /** @return the channel statistics of a site, or null if it was never observed */
    public synchronized ChannelStats channels(SiteKey key) {
        return channels.get(key);
    }

    public ChannelStats channels(int layer, LinearSite site, int expert) {
        return channels(new SiteKey(layer, site, expert));
    }

    /** @return sum of x x^T over observed rows, (in, in); null unless hessians were requested */
    public synchronized NDArray gramian(SiteKey key) {
        return gramians.get(key);
    }

    /** @return tokens routed to each expert of the layer (each token counts k times) */
    public synchronized long[] routingCounts(int layer) {
        long[] c = routingCounts.get(layer);
        return c == null ? new long[experts] : c.clone();
    }

    /** @return sum of renormalised gate weights per expert of the layer */
    public synchronized double[] gateSums(int layer) {
        double[] s = gateSums.get(layer);
        return s == null ? new double[experts] : s.clone();
    }

    /** @return mean 1 - cos(in, out) over tokens; low means the layer barely changes its input. NaN if unobserved. */
    public synchronized double blockInfluence(int layer) {
        double[] acc = influence.get(layer);
        return acc == null || acc[1] == 0 ? Double.NaN : acc[0] / acc[1];
    }

    /** Adds another collector's statistics to this one (e.g. from several batches or replicas). */
    public synchronized void merge(ActivationStatistics other) {
        synchronized (other) {
            other.channels.forEach((k, v) -> channels.computeIfAbsent(k, x -> new ChannelStats(v.channels())).merge(v));
            other.gramians.forEach((k, v) -> {
                NDArray acc = gramians.computeIfAbsent(k, x -> persistent(manager.zeros(v.getShape())));
                acc.addi(v);
            });
            other.routingCounts.forEach((l, c) -> {
                long[] acc = routingCounts.computeIfAbsent(l, x -> new long[experts]);
                for (int e = 0; e < c.length; e++) {
                    acc[e] += c[e];
                }
            });
            other.gateSums.forEach((l, s) -> {
                double[] acc = gateSums.computeIfAbsent(l, x -> new double[experts]);
                for (int e = 0; e < s.length; e++) {
                    acc[e] += s[e];
                }
            });
            other.influence.forEach((l, a) -> {
                double[] acc = influence.computeIfAbsent(l, x -> new double[2]);
                acc[0] += a[0];
                acc[1] += a[1];
            });
        }
    }

    /** Accumulators outlive the forward step's NDScope, which would otherwise free them. */
    private static NDArray persistent(NDArray a) {
        NDScope.unregister(a);
        return a;
    }

    @Override
    public void close() {
        manager.close();
    }
}
