package dev.arborist.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arborist.cli.demo.PromptPool.Domain;
import dev.arborist.events.Decision;
import dev.arborist.model.instrument.ActivationStatistics;
import dev.arborist.model.nn.Level;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.runtime.TokenizedText;
import dev.arborist.model.tokenizer.HfTokenizer;
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
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two elastic plans of the bundled model, one ordered by chat text and one by formal text, scored on formal text at the
 * same levels: the one ordered by formal text must lose less there, having kept the FFN channels formal text uses.
 * The levels trim channels only, as the agent's rungs within a 15% budget do: on this model, experts ranked by the
 * new domain's routing did not lose less on it (BENCHMARKS.md, "Session 13").
 */
class DomainRecoveryTest {
    private static final Path MODEL = Path.of("../models/arborist-moe-6x8");
    private static final Level EIGHTH_OFF = Level.of(0.875, 8, 2, Set.of(), 0.0);
    private static final Level QUARTER_OFF = Level.of(0.75, 8, 2, Set.of(), 0.0);

    @TempDir
    static Path plans;

    private static PromptPool pool;
    private static List<String> formal;
    private static String chatPlan;
    private static String formalPlan;

    @BeforeAll
    static void writePlans() throws Exception {
        pool = PromptPool.from(MODEL.resolve("eval.txt"));
        formal = pool.lines(Domain.FORMAL);
        chatPlan = write(Domain.CHAT, QUARTER_OFF, plans.resolve("1-chat")).id();
        formalPlan = write(Domain.FORMAL, QUARTER_OFF, plans.resolve("2-formal")).id();
    }

    /**
     * A plan whose unit order comes from {@code domain}'s activations, with rungs at {@link #EIGHTH_OFF} and {@code sparsest};
     * the ladder's numbers are made up, only its levels are read.
     */
    private static ElasticArtifact write(Domain domain, Level sparsest, Path dir) throws Exception {
        try (LanguageModel base = LanguageModel.load(MODEL); HfTokenizer tokenizer = HfTokenizer.load(MODEL.resolve("tokenizer.json"));
             ActivationStatistics stats = new ActivationStatistics(base.config().numExperts(), false, base.manager())) {
            int[] text = TokenizedText.encodeLines(pool.lines(domain), tokenizer);
            CalibrationPass.run(base, CalibrationSet.fromTokens(text, 16, 64), stats);
            WeightEditor dense = new WeightEditor(base.config(), base.transformer().weights(), base.manager());
            TrafficStatistics traffic = TrafficStatistics.of(stats);
            Ladder ladder = new Ladder(List.of(
                    new Rung(0, 0, Level.dense(base.config()), 10, 1.0, 1.0, 1.0, 1.0),
                    new Rung(1, 0.05, EIGHTH_OFF, 10.5, 1.05, 0.9, 1.1, 1.1),
                    new Rung(2, 0.1, sparsest, 11, 1.1, 0.8, 1.2, 1.2)));
            ElasticPlan plan = new ElasticPlan(ImportanceOrder.permutation(traffic, dense), ImportanceOrder.layerSkipOrder(traffic, dense), ladder);
            return ElasticArtifact.write(dir.toAbsolutePath(), plan, base, Map.of());
        }
    }

    @Test
    @DisplayName("the plan ordered by the new domain's text scores better on it at every shared rung, and runs channels the other trimmed")
    void rebuiltPlanRecovers() throws Exception {
        DomainRecovery r = DomainRecovery.measure(MODEL, plans, chatPlan, formalPlan, formal);

        assertThat(r.rungs()).extracting(DomainRecovery.RungScore::rung).containsExactly(1, 2);
        assertThat(r.rungs()).allSatisfy(s -> {
            assertThat(s.before()).as("rung %d: the chat plan on formal text loses something", s.rung()).isGreaterThan(1);
            assertThat(s.after()).as("rung %d: the formal plan on formal text", s.rung()).isLessThan(s.before());
            assertThat(s.expertsRestored()).as("no level trims an expert").isZero();
            assertThat(s.channelsRestored()).as("rung %d: channels the chat plan trimmed", s.rung()).isPositive();
        });
        assertThat(r.sparsest().rung()).isEqualTo(2);
    }

    @Test
    @DisplayName("of two directories holding one plan id (a later build with the served unit order, rejected), the older one's ladder counts")
    void olderDirectoryWins(@TempDir Path store) throws Exception {
        write(Domain.CHAT, QUARTER_OFF, store.resolve("1-chat"));
        write(Domain.FORMAL, QUARTER_OFF, store.resolve("2-formal"));
        String again = write(Domain.FORMAL, Level.of(0.5, 8, 2, Set.of(), 0.0), store.resolve("3-formal-rejected")).id();
        assertThat(again).as("the same unit order, another ladder").isEqualTo(formalPlan);

        DomainRecovery r = DomainRecovery.measure(MODEL, store, chatPlan, formalPlan, formal);

        assertThat(r.sparsest().level()).isEqualTo(QUARTER_OFF.describe());
        assertThat(r).isEqualTo(DomainRecovery.measure(MODEL, plans, chatPlan, formalPlan, formal));
    }

    @Test
    @DisplayName("the audit log decides which plans are compared: the one served before the first drift rebuild, and that rebuild's")
    void picksThePlansFromTheAuditLog() throws Exception {
        List<Decision> log = List.of(
                decision("rebuild", chatPlan, "initial plan from live statistics"),
                decision("sparser", chatPlan, "e2e p95 0.73 s > target 0.63 s"),
                decision("rebuild", formalPlan, "drift: expert-usage JS 0.022 bits"));

        DomainRecovery r = DomainRecovery.afterFirstDrift(log, MODEL, plans, formal);

        assertThat(r.beforePlan()).isEqualTo(chatPlan);
        assertThat(r.afterPlan()).isEqualTo(formalPlan);
        assertThat(DomainRecovery.afterFirstDrift(log.subList(0, 2), MODEL, plans, formal)).as("no drift rebuild").isNull();
    }

    @Test
    @DisplayName("a plan the store does not hold is named in the error")
    void missingPlan() {
        assertThatThrownBy(() -> DomainRecovery.measure(MODEL, plans, chatPlan, "f".repeat(64), formal))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("f".repeat(64));
    }

    private static Decision decision(String action, String planId, String reason) {
        return new Decision("demo", "agent", action, planId, reason, 0, 0, Map.of(), Map.of(), null, null, "2026-11-27T00:00:00Z");
    }
}
