package dev.arborist.policies.control;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a controller against a plant, one window after another; serving is assumed to switch rung
 * as soon as a decision is made, so each window runs on the rung chosen at its start.
 */
final class Simulation {
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    record Step(int index, WindowSummary window, ControlDecision decision) {
    }

    private Simulation() {
    }

    /** @param loads offered requests per second, one per window */
    static List<Step> run(Controller controller, LatencyPlant plant, double[] loads) {
        return run(controller, plant, loads, 0);
    }

    static List<Step> run(Controller controller, LatencyPlant plant, double[] loads, int firstWindow) {
        List<Step> steps = new ArrayList<>();
        for (int i = firstWindow; i < loads.length; i++) {
            WindowSummary w = plant.window(T0.plus(LatencyPlant.WINDOW.multipliedBy(i)), loads[i], controller.currentRung());
            steps.add(new Step(i, w, controller.decide(w, w.end())));
        }
        return steps;
    }

    /** {@code windows} windows at {@code before} requests per second, then the rest at {@code after}. */
    static double[] step(int total, int windows, double before, double after) {
        double[] loads = new double[total];
        for (int i = 0; i < total; i++) {
            loads[i] = i < windows ? before : after;
        }
        return loads;
    }

    static List<Step> moves(List<Step> steps) {
        return steps.stream().filter(s -> s.decision().moves()).toList();
    }

    /** How often consecutive moves went in opposite directions: the measure of oscillation. */
    static int directionChanges(List<Step> steps) {
        int changes = 0;
        int last = 0;
        for (Step s : moves(steps)) {
            int dir = Integer.signum(s.decision().toRung() - s.decision().fromRung());
            if (last != 0 && dir != last) {
                changes++;
            }
            last = dir;
        }
        return changes;
    }
}
