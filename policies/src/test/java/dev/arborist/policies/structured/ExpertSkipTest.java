package dev.arborist.policies.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningProgress;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.plan.PruningPlan;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.entry.ExpertSkip;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExpertSkipTest {
    private static final ModelConfig MIXTRAL = TinyModels.mixtral();
    private static final CalibrationSet CALIBRATION = TestModels.calibration(MIXTRAL, 8, 32, 17);

    @ParameterizedTest
    @ValueSource(doubles = {0.2, 0.5, 0.8})
    @DisplayName("the calibrated beta makes the runtime skip about the requested fraction of second experts")
    void skipsTheRequestedFraction(double fraction) {
        try (LanguageModel model = TestModels.random(MIXTRAL, 29); NDManager m = model.manager().newSubManager()) {
            PruningPlan plan = new ExpertSkipping().plan(new PruningTarget(model, fraction, Map.of()), CALIBRATION, PruningProgress.NONE);
            WeightEditor.Result skipping = plan.applyMaterialized(MIXTRAL, model.transformer().weights(), m);
            try (LanguageModel pruned = LanguageModel.of(skipping.config(), skipping.weights(), m.newSubManager());
                 ActivationStatistics stats = new ActivationStatistics(MIXTRAL.numExperts(), false, m)) {
                CalibrationPass.run(pruned, CALIBRATION, stats);
                long tokens = (long) CALIBRATION.count() * CALIBRATION.length();
                for (int l = 0; l < MIXTRAL.numLayers(); l++) {
                    long pairsRun = Arrays.stream(stats.routingCounts(l)).sum(); // every first expert + the second experts not skipped
                    double skipped = (2.0 * tokens - pairsRun) / tokens;
                    assertThat(skipped).isCloseTo(fraction, within(0.02));
                    double beta = ((ExpertSkip) plan.entries().get(l)).beta();
                    assertThat(skipping.weights().layers().get(l).moe().skipBeta()).isEqualTo(beta);
                }
            }
        }
    }

    @Test
    @DisplayName("skipping more needs a higher beta")
    void betaGrowsWithTheFraction() {
        try (LanguageModel model = TestModels.random(MIXTRAL, 29)) {
            double low = ((ExpertSkip) new ExpertSkipping().plan(new PruningTarget(model, 0.2, Map.of()), CALIBRATION,
                    PruningProgress.NONE).entries().get(0)).beta();
            double high = ((ExpertSkip) new ExpertSkipping().plan(new PruningTarget(model, 0.8, Map.of()), CALIBRATION,
                    PruningProgress.NONE).entries().get(0)).beta();
            assertThat(low).isGreaterThan(0).isLessThan(high);
            assertThat(high).isLessThanOrEqualTo(1);
        }
    }
}
