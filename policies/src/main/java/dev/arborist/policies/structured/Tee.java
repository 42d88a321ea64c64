package dev.arborist.policies.structured;

import ai.djl.ndarray.NDArray;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.instrument.LinearSite;

/** Two observers of one forward pass, so one calibration pass feeds both. */
public record Tee(Instrumentation first, Instrumentation second) implements Instrumentation {

    @Override
    public boolean active() {
        return first.active() || second.active();
    }

    @Override
    public void linearInput(int layer, LinearSite site, int expert, NDArray x) {
        if (first.active()) {
            first.linearInput(layer, site, expert, x);
        }
        if (second.active()) {
            second.linearInput(layer, site, expert, x);
        }
    }

    @Override
    public void routing(int layer, long[] experts, float[] gates, int topK) {
        if (first.active()) {
            first.routing(layer, experts, gates, topK);
        }
        if (second.active()) {
            second.routing(layer, experts, gates, topK);
        }
    }

    @Override
    public void blockIO(int layer, NDArray in, NDArray out) {
        if (first.active()) {
            first.blockIO(layer, in, out);
        }
        if (second.active()) {
            second.blockIO(layer, in, out);
        }
    }
}
