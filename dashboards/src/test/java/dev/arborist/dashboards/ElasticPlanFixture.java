package dev.arborist.dashboards;

import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.nn.Level;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.elastic.ElasticArtifact;
import dev.arborist.policies.elastic.ElasticPlan;
import dev.arborist.policies.elastic.ImportanceOrder;
import dev.arborist.policies.elastic.Ladder;
import dev.arborist.policies.elastic.Rung;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.CalibrationPass;
import dev.arborist.policies.structured.importance.TrafficStatistics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The smallest elastic plan serving accepts for a model: the real importance permutation from a short
 * calibration pass on random tokens, and a ladder of the dense rung only. Serving records
 * {@code arborist_level_requests_total} only for requests of an elastic plan, so the exposition
 * serves one; its quality and speed are beside the point (the rung's numbers are placeholders that
 * serving only displays), and building it takes a second, where the agent's measured ladder takes a minute.
 */
final class ElasticPlanFixture {
    /** Calibration windows: (count, length) tokens, enough to observe every expert of a small MoE. */
    private static final int WINDOWS = 3;
    private static final int WINDOW_LENGTH = 24;
    private static final long SEED = 11;

    private ElasticPlanFixture() {}

    /** Writes the plan for the model in {@code modelDir} to {@code dir}; returns the plan id. */
    static String write(Path modelDir, Path dir) {
        try (LanguageModel base = LanguageModel.load(modelDir);
             ActivationStatistics stats = new ActivationStatistics(base.config().numExperts(), false, base.manager())) {
            int[] tokens = new Random(SEED).ints(WINDOWS * WINDOW_LENGTH, 0, base.config().vocabSize()).toArray();
            CalibrationPass.run(base, CalibrationSet.fromTokens(tokens, WINDOWS, WINDOW_LENGTH), stats);
            WeightEditor dense = new WeightEditor(base.config(), base.transformer().weights(), base.manager());
            TrafficStatistics traffic = TrafficStatistics.of(stats);
            Ladder denseOnly = new Ladder(List.of(new Rung(0, 0, Level.dense(base.config()), 1, 1, 1, 1, 1)));
            ElasticPlan plan = new ElasticPlan(ImportanceOrder.permutation(traffic, dense), ImportanceOrder.layerSkipOrder(traffic, dense), denseOnly);
            return ElasticArtifact.write(dir.toAbsolutePath(), plan, base, Map.of()).id();
        }
    }
}
