package dev.arborist.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/** Adam with decoupled weight decay (Loshchilov & Hutter 2019), updating the parameters in place. */
public final class AdamW {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.95;
    private static final double EPS = 1e-8;

    private final List<NDArray> params;
    private final List<Boolean> decay;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private final double weightDecay;
    private int step;

    /** @param decay per parameter: whether weight decay applies (matrices yes, norm gains no) */
    public AdamW(NDManager manager, List<NDArray> params, List<Boolean> decay, double weightDecay) {
        this.params = params;
        this.decay = decay;
        this.weightDecay = weightDecay;
        for (NDArray p : params) {
            firstMoments.add(manager.zeros(p.getShape()));
            secondMoments.add(manager.zeros(p.getShape()));
        }
    }

    /** Applies one update from the parameters' gradients, each multiplied by {@code gradScale}. */
    public void step(double learningRate, double gradScale) {
        step++;
        double bias1 = 1 - Math.pow(BETA1, step);
        double bias2 = 1 - Math.pow(BETA2, step);
        double stepSize = learningRate / bias1;
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            NDArray g = p.getGradient().mul(gradScale);
            NDArray m = firstMoments.get(i);
            NDArray v = secondMoments.get(i);
            m.muli(BETA1).addi(g.mul(1 - BETA1));
            v.muli(BETA2).addi(g.square().mul(1 - BETA2));
            if (decay.get(i)) {
                p.muli(1 - learningRate * weightDecay);
            }
            NDArray denom = v.div(bias2).sqrt().add(EPS);
            p.subi(m.div(denom).mul(stepSize));
        }
    }


    public List<NDArray> firstMoments() {
        return firstMoments;
    }

    public List<NDArray> secondMoments() {
        return secondMoments;
    }

    /** Restores the state of a checkpoint. */
    public void restore(int steps, List<float[]> first, List<float[]> second) {
        this.step = steps;
        for (int i = 0; i < params.size(); i++) {
            firstMoments.get(i).set(first.get(i));
            secondMoments.get(i).set(second.get(i));
        }
    }
}
