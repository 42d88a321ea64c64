package dev.arborist.policies.structured;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.instrument.LinearSite;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.plan.WeightEditor;
import dev.arborist.policies.structured.importance.ChannelActivationImportance;
import dev.arborist.policies.structured.importance.TopScores;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ChannelImportanceTest {

    @Test
    @DisplayName("FFN channels that carry activation energy into down_proj are the ones kept")
    void keepsActiveChannels() {
        ModelConfig config = TinyModels.llama();
        try (LanguageModel model = TestModels.random(config, 1); NDManager m = model.manager().newSubManager();
             ActivationStatistics stats = new ActivationStatistics(0, false, m)) {
            int f = config.intermediateSize();
            float[] x = new float[4 * f]; // (N=4, f): only channels 5 and 31 ever fire
            for (int n = 0; n < 4; n++) {
                x[n * f + 5] = 1f;
                x[n * f + 31] = 2f;
            }
            stats.linearInput(0, LinearSite.FFN_OUT, -1, m.create(x, new Shape(4, f)));
            WeightEditor weights = new WeightEditor(config, model.transformer().weights(), m);
            PruningGroup group = Groups.ffnChannels(weights, 0, -1);

            double[] scores = new ChannelActivationImportance(stats, weights).scores(group);
            assertThat(scores[31]).isGreaterThan(0);
            assertThat(scores[5]).isGreaterThan(0);
            assertThat(scores[0]).isZero();
            assertThat(new TopScores(new ChannelActivationImportance(stats, weights)).keep(group, 2)).containsExactly(5, 31);
        }
    }

    @Test
    @DisplayName("a KV group is scored by the o_proj input energy of all its query heads")
    void scoresKvGroupsOverTheirQueryHeads() {
        ModelConfig config = TinyModels.llama(); // 4 query heads of 8 dims over 2 KV heads: group 1 = dims 16..31
        try (LanguageModel model = TestModels.random(config, 1); NDManager m = model.manager().newSubManager();
             ActivationStatistics stats = new ActivationStatistics(0, false, m)) {
            int width = config.numHeads() * config.headDim();
            float[] x = new float[width];
            x[20] = 3f; // a dim of query head 2, which reads KV head 1
            stats.linearInput(1, LinearSite.ATTN_OUT, -1, m.create(x, new Shape(1, width)));
            WeightEditor weights = new WeightEditor(config, model.transformer().weights(), m);
            PruningGroup group = Groups.kvGroups(weights, 1);

            assertThat(group.units()).isEqualTo(2);
            assertThat(group.reader().width()).isEqualTo(16);
            assertThat(new TopScores(new ChannelActivationImportance(stats, weights)).keep(group, 1)).containsExactly(1);
        }
    }
}
