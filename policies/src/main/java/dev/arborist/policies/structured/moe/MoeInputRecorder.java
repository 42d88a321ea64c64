package dev.arborist.policies.structured.moe;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.instrument.LinearSite;
import dev.arborist.model.nn.MoeWeights;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps the inputs of every MoE block seen during calibration, so routing and experts can be
 * replayed with some experts removed (NAEE, REAP). The runtime reports an expert's input as the
 * rows routed to it, so each token is recorded once per expert it runs on: k times without
 * skipping. That is a uniform weight, which changes no mean, quantile or argmin computed over the
 * rows. Memory: k * tokens * d floats per MoE layer.
 */
public final class MoeInputRecorder implements Instrumentation {
    private final Map<Integer, List<float[]>> chunks = new HashMap<>();
    private final Map<Integer, Integer> widths = new HashMap<>();

    @Override
    public boolean active() {
        return true;
    }

    @Override
    public synchronized void linearInput(int layer, LinearSite site, int expert, NDArray x) {
        if (site == LinearSite.FFN_IN && expert >= 0 && x.getShape().get(0) > 0) {
            widths.put(layer, (int) x.getShape().get(1));
            chunks.computeIfAbsent(layer, l -> new ArrayList<>()).add(x.toFloatArray()); // (n, d)
        }
    }

    @Override
    public void routing(int layer, long[] experts, float[] gates, int topK) {}

    @Override
    public void blockIO(int layer, NDArray in, NDArray out) {}

    /**
     * @param weights the layer's MoE block in the dense model
     * @param manager parent of the scratch managers the probe computes in
     */
    public synchronized MoeProbe probe(int layer, MoeWeights weights, NDManager manager) {
        List<float[]> parts = chunks.get(layer);
        if (parts == null) {
            throw new IllegalStateException("MoE layer " + layer + " saw no tokens; run the calibration pass first");
        }
        int total = parts.stream().mapToInt(p -> p.length).sum();
        float[] rows = new float[total];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, rows, at, p.length);
            at += p.length;
        }
        return new MoeProbe(rows, widths.get(layer), weights, manager);
    }
}
