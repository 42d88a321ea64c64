package dev.arborist.serving;

import ai.djl.ndarray.NDArray;
import dev.arborist.model.io.DType;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.nn.Level;
import dev.arborist.model.nn.WeightAssembler;
import dev.arborist.model.nn.WeightExport;
import dev.arborist.model.nn.WeightNames;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A tiny model whose levels visibly differ, and an elastic plan artifact for it: the real
 * importance permutation from a calibration pass, and a hand-made three-rung ladder (its
 * perplexities and speed-ups are made up: serving only shows them) whose sparser rungs trim every
 * dimension a level can.
 */
final class ElasticFixtures {
    /**
     * Random init (std 0.02, residual projections smaller still) keeps what the layers add far below
     * the embeddings, so every level of {@link TinyModel} picks the same greedy tokens and no test
     * could tell levels apart. Scaling the layer matrices makes each layer's contribution comparable
     * to the residual stream.
     */
    private static final float LAYER_SCALE = 10f;

    /** Rung 1: half of each expert's channels, three of four experts. */
    static final Level RUNG_1 = Level.of(0.5, 3, 2, Set.of(), 0.0);
    /** Rung 2: half the channels, two experts, one of two KV groups, layer 1 skipped, NAEE skipping at beta 0.3. */
    static final Level RUNG_2 = Level.of(0.5, 2, 1, Set.of(1), 0.3);

    private ElasticFixtures() {}

    /** {@link TinyModel} with its attention, router and expert matrices scaled by {@value #LAYER_SCALE}; returns the model directory. */
    static Path model(Path dir) throws Exception {
        Path random = TinyModel.create(dir.resolve("random"));
        Path scaled = dir.resolve("tiny");
        try (LanguageModel m = LanguageModel.load(random)) {
            HashMap<String, NDArray> named = new HashMap<>(WeightExport.named(m.config(), m.transformer().weights()));
            named.replaceAll((name, w) -> isLayerMatrix(name) ? w.mul(LAYER_SCALE) : w);
            LanguageModel.save(m.config(), WeightAssembler.assemble(m.config(), WeightAssembler.Tensors.of(named, "scaled tiny model")), scaled,
                    DType.F32, random.resolve("tokenizer.json"));
        }
        return scaled;
    }

    private static boolean isLayerMatrix(String name) {
        return !name.equals(WeightNames.EMBED) && !name.equals(WeightNames.LM_HEAD) && !name.endsWith("norm.weight");
    }

    static ElasticArtifact write(LanguageModel base, Path dir) {
        int[] tokens = new Random(11).ints(96, 0, base.config().vocabSize()).toArray();
        try (ActivationStatistics stats = new ActivationStatistics(base.config().numExperts(), false, base.manager())) {
            CalibrationPass.run(base, CalibrationSet.fromTokens(tokens, 3, 24), stats);
            WeightEditor dense = new WeightEditor(base.config(), base.transformer().weights(), base.manager());
            TrafficStatistics traffic = TrafficStatistics.of(stats);
            Ladder ladder = new Ladder(List.of(
                    new Rung(0, 0, Level.dense(base.config()), 10, 1.0, 1.0, 1.0, 1.0),
                    new Rung(1, 0.1, RUNG_1, 10.5, 1.05, 0.7, 1.3, 1.2),
                    new Rung(2, 0.4, RUNG_2, 13.0, 1.3, 0.4, 2.0, 1.6)));
            ElasticPlan plan = new ElasticPlan(ImportanceOrder.permutation(traffic, dense), ImportanceOrder.layerSkipOrder(traffic, dense), ladder);
            return ElasticArtifact.write(dir.toAbsolutePath(), plan, base, Map.of());
        }
    }
}
