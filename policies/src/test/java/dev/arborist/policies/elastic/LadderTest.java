package dev.arborist.policies.elastic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arborist.model.eval.Perplexity;
import dev.arborist.model.nn.ElasticModel;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethods;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.plan.PlanArtifact;
import dev.arborist.policies.plan.PlanFormatException;
import dev.arborist.policies.structured.TestModels;
import dev.arborist.policies.unstructured.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One ladder built end to end on a tiny saved MoE model, then checked, stored and read back. */
class LadderTest {
    private static final int WINDOW = 32;
    private static final int EVAL_WINDOWS = 12;

    @TempDir
    static Path models;

    @TempDir
    Path store;

    private static LanguageModel base;
    private static LanguageModel other;
    private static int[] evalTokens;
    private static ElasticPlan plan;
    private static final List<int[]> progress = new ArrayList<>();

    @BeforeAll
    static void build() throws Exception {
        base = Fixtures.saved(TinyModels.mixtral(), models.resolve("base"), 3);
        other = Fixtures.saved(TinyModels.mixtral(), models.resolve("other"), 4);
        SplittableRandom random = new SplittableRandom(5);
        evalTokens = random.ints(1200, 0, 97).toArray();
        LadderSettings settings = new LadderSettings(List.of(0.5, 0.02, 0.05), WINDOW, 4, EVAL_WINDOWS, new SpeedComparison(1, 2, 4));
        plan = new LadderBuilder(settings, (done, total) -> progress.add(new int[] {done, total}))
                .build(base, Fixtures.calibration(97, 8, WINDOW, 2), evalTokens);
    }

    @AfterAll
    static void close() {
        base.close();
        other.close();
    }

    @Test
    @DisplayName("rungs go from dense to cheaper, each within its budget, budgets ascending")
    void rungsAreMonotone() {
        Ladder ladder = plan.ladder();
        assertThat(ladder.size()).isGreaterThanOrEqualTo(2);
        Rung dense = ladder.rung(0);
        assertThat(dense.level().isDense(base.config())).isTrue();
        assertThat(dense.perplexityRatio()).isEqualTo(1.0);
        assertThat(dense.relativeCost()).isCloseTo(1.0, within(1e-12));
        for (int i = 1; i < ladder.size(); i++) {
            Rung r = ladder.rung(i);
            assertThat(r.relativeCost()).isLessThan(ladder.rung(i - 1).relativeCost());
            assertThat(r.budget()).isGreaterThan(ladder.rung(i - 1).budget());
            assertThat(r.perplexityRatio()).isLessThanOrEqualTo(1 + r.budget());
            assertThat(r.decodeSpeedupBatch8()).isPositive();
            assertThat(r.decodeSpeedupBatch1()).isPositive();
        }
        assertThat(plan.layerSkipOrder()).containsExactlyInAnyOrder(0, 1);
        int[] last = progress.get(progress.size() - 1);
        assertThat(last[0]).isEqualTo(last[1]);
    }

    @Test
    @DisplayName("each rung's perplexity is what Perplexity.evaluate gives the permuted model at that level")
    void ratiosMatchAnIndependentEvaluation() {
        try (NDManager m = base.manager().newSubManager(); ElasticModel elastic = plan.apply(base, m)) {
            double dense = Perplexity.evaluate(elastic.full(), evalTokens, WINDOW, 8, EVAL_WINDOWS).perplexity();
            assertThat(dense).isCloseTo(Perplexity.evaluate(base.transformer(), evalTokens, WINDOW, 8, EVAL_WINDOWS).perplexity(),
                    within(1e-3 * dense)); // the permutation preserves the function
            for (Rung r : plan.ladder().rungs()) {
                double ppl = Perplexity.evaluate(elastic.at(r.level()), evalTokens, WINDOW, 8, EVAL_WINDOWS).perplexity();
                assertThat(r.perplexity()).isCloseTo(ppl, within(1e-4 * ppl));
                assertThat(r.perplexityRatio()).isCloseTo(ppl / dense, within(1e-3));
            }
        }
    }

    @Test
    @DisplayName("the artifact reads back identical, with ladder.json covered by the manifest's hashes")
    void artifactRoundTrip() throws Exception {
        Path dir = store.resolve("elastic");
        ElasticArtifact written = ElasticArtifact.write(dir, plan, base, Map.of("dense_perplexity", plan.ladder().rung(0).perplexity()));
        ElasticArtifact read = ElasticArtifact.read(dir, base);

        assertThat(read.id()).isEqualTo(written.id());
        assertThat(read.manifest().files()).containsKeys(ElasticArtifact.LADDER_FILE, PlanArtifact.PLAN_FILE);
        assertThat(read.plan().ladder()).isEqualTo(plan.ladder());
        assertThat(read.plan().layerSkipOrder()).isEqualTo(plan.layerSkipOrder());
        assertThat(read.plan().permutation().entries()).isEqualTo(plan.permutation().entries());
        try (NDManager m = base.manager().newSubManager(); ElasticModel elastic = read.plan().apply(base, m)) {
            float[] permuted = TestModels.logits(base.config(), elastic.full().weights(), m, TestModels.PROMPT);
            assertThat(TestModels.maxAbsDiff(permuted, TestModels.logits(base))).isLessThan(1e-4f);
        }
    }

    @Test
    @DisplayName("a changed ladder, another base model or a plain pruning plan are refused with the reason")
    void refusesWhatItCannotTrust() throws Exception {
        Path dir = store.resolve("elastic");
        ElasticArtifact.write(dir, plan, base, Map.of());
        assertThatThrownBy(() -> ElasticArtifact.read(dir, other)).isInstanceOf(PlanFormatException.class)
                .hasMessageContaining("built for base model");

        Path ladder = dir.resolve(ElasticArtifact.LADDER_FILE);
        ObjectMapper json = new ObjectMapper();
        ObjectNode tampered = (ObjectNode) json.readTree(ladder.toFile());
        ((ObjectNode) tampered.withArray("rungs").get(0)).put("perplexity_ratio", 0.5);
        Files.writeString(ladder, tampered.toString());
        assertThatThrownBy(() -> ElasticArtifact.read(dir, base)).isInstanceOf(PlanFormatException.class).hasMessageContaining("corrupted");

        Path plain = store.resolve("plain");
        PlanArtifact.write(plain, PruningMethods.create("magnitude").plan(new PruningTarget(base, 0.5, Map.of()),
                Fixtures.calibration(97, 2, WINDOW, 1), (d, t) -> {}), base, null, Map.of());
        assertThatThrownBy(() -> ElasticArtifact.read(plain, base)).isInstanceOf(PlanFormatException.class)
                .hasMessageContaining("not an elastic plan");
    }

    @Test
    @DisplayName("a ladder whose first rung is not dense, or whose rungs get costlier, is rejected")
    void ladderInvariants() {
        Rung dense = plan.ladder().rung(0);
        Rung sparse = new Rung(1, 0.1, dense.level().withFfnFraction(0.5), 2, 1.05, 0.8, 1.3, 1.2);
        assertThatThrownBy(() -> new Ladder(List.of(dense, new Rung(1, 0.1, sparse.level(), 2, 1.05, 1.2, 1, 1))))
                .hasMessageContaining("rungs go from dense to sparsest");
        assertThatThrownBy(() -> new Ladder(List.of(sparse))).hasMessageContaining("has index 1");
        Rung sparseFirst = new Rung(0, 0, sparse.level(), 2, 1, 1, 1, 1);
        assertThatThrownBy(() -> new Ladder(List.of(sparseFirst)).requireFits(base.config())).hasMessageContaining("rung 0 must be the dense level");
    }
}
