package dev.arborist.policies.control;

import static dev.arborist.policies.control.Ladders.FIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PolicyTableTest {
    private static final double TOLERANCE = 0.05; // nats per token

    /** {@code n} shadowed requests of one class at one rung, drops scattered around {@code meanDrop}. */
    private static void feed(PolicyTableLearner learner, String sloClass, String bucket, int rung, double meanDrop, int n, Random random) {
        for (int i = 0; i < n; i++) {
            double drop = meanDrop + 0.01 * random.nextGaussian();
            learner.observe(new RequestOutcome(sloClass, bucket, null, rung, Map.of(rung, drop), 0.5 + 0.1 * rung));
            learner.observe(new RequestOutcome(sloClass, bucket, null, rung, null, 0.5)); // not shadowed: latency only
        }
    }

    @Test
    @DisplayName("a tolerant class learns a sparser rung; a sensitive class and a class without evidence stay at the base rung")
    void learnsPerClassRungs() {
        PolicyTableLearner learner = new PolicyTableLearner(20);
        Random random = new Random(3);
        feed(learner, "batch", "short", 1, 0.005, 40, random);
        feed(learner, "batch", "short", 2, 0.02, 40, random);
        feed(learner, "batch", "short", 4, 0.04, 40, random); // rung 3 never tried: stepped over
        feed(learner, "interactive", "long", 1, 0.20, 40, random);
        feed(learner, "interactive", "long", 2, 0.30, 40, random);
        feed(learner, "batch", "medium", 3, 0.0, 5, random); // too few samples

        PolicyTable table = learner.learn(0, FIVE, TOLERANCE);

        assertThat(table.rungFor("batch", "short", null, 0)).isEqualTo(4);
        assertThat(table.rungFor("interactive", "long", null, 0)).isZero();
        assertThat(table.rungFor("batch", "medium", null, 0)).isZero();
        assertThat(table.rungFor("unknown", "short", 7, 0)).isZero();
        assertThat(table.entries()).hasSize(1);
        PolicyTable.Entry e = table.entries().get(0);
        assertThat(e.samples()).isEqualTo(40);
        assertThat(e.meanDropNats()).isCloseTo(0.04, within(0.005));
        assertThat(e.meanE2eSeconds()).isCloseTo((0.9 + 0.5) / 2, within(1e-9));
    }

    @Test
    @DisplayName("a mean within tolerance is not enough: a noisy cost must stay within it by two standard errors")
    void noisyCostIsNotTolerated() {
        PolicyTableLearner learner = new PolicyTableLearner(10);
        Random random = new Random(9);
        for (int i = 0; i < 12; i++) {
            double calm = 0.03 + 0.005 * random.nextGaussian();
            double noisy = 0.03 + 0.08 * random.nextGaussian(); // same mean, 16x the spread
            learner.observe(new RequestOutcome("calm", "short", null, 0, Map.of(1, calm), 0.5));
            learner.observe(new RequestOutcome("noisy", "short", null, 0, Map.of(1, noisy), 0.5));
        }

        PolicyTable table = learner.learn(0, FIVE, TOLERANCE);

        assertThat(table.rungFor("calm", "short", null, 0)).isEqualTo(1);
        assertThat(table.rungFor("noisy", "short", null, 0)).isZero();
    }

    @Test
    @DisplayName("a signature without evidence of its own follows its coarse class; one whose evidence routes it elsewhere keeps its own entry")
    void signaturesFallBackToTheCoarseClass() {
        PolicyTableLearner learner = new PolicyTableLearner(10);
        for (int i = 0; i < 10; i++) {
            learner.observe(new RequestOutcome("batch", "medium", 1, 0, Map.of(1, 0.01, 2, 0.01), 0.5)); // signature 1 tolerates rung 2
            learner.observe(new RequestOutcome("batch", "medium", 2, 0, Map.of(1, 0.01, 2, 0.2), 0.5)); // signature 2 only rung 1
        }
        learner.observe(new RequestOutcome("batch", "medium", 3, 0, Map.of(1, 0.01, 2, 0.01), 0.5)); // one request: no evidence

        PolicyTable table = learner.learn(0, FIVE, TOLERANCE);

        assertThat(table.rungFor("batch", "medium", 1, 0)).isEqualTo(2);
        assertThat(table.rungFor("batch", "medium", 2, 0)).isEqualTo(1);
        assertThat(table.rungFor("batch", "medium", 3, 0)).as("the coarse class: rung 2 costs it 0.105 on average").isEqualTo(1);
        assertThat(table.rungFor("batch", "medium", null, 0)).isEqualTo(1);
        assertThat(table.entries()).as("signature 2 routes like its coarse class: no entry of its own")
                .extracting(PolicyTable.Entry::signature).containsExactlyInAnyOrder(null, 1);
    }

    @Test
    @DisplayName("on a shorter ladder a class goes to its sparsest rung; on a dense-only ladder the table empties")
    void clampedToAShorterLadder() {
        PolicyTable table = new PolicyTable(0, List.of(new PolicyTable.Entry("batch", "medium", null, 4, 30, 0.01, 0.4),
                new PolicyTable.Entry("interactive", "short", null, 1, 30, 0.01, 0.3)));

        PolicyTable three = table.clampedTo(3);
        assertThat(three.rungFor("batch", "medium", null, 0)).isEqualTo(2);
        assertThat(three.rungFor("interactive", "short", null, 0)).isEqualTo(1);
        assertThat(table.clampedTo(1).entries()).isEmpty();
        assertThat(table.clampedTo(5)).isEqualTo(table);
    }

    @Test
    @DisplayName("the table only ever makes a request sparser than the controller's base rung, never denser")
    void baseRungIsAFloor() {
        PolicyTable table = new PolicyTable(0, List.of(new PolicyTable.Entry("batch", "short", 3, 2, 30, 0.01, 0.4)));

        assertThat(table.rungFor("batch", "short", 3, 0)).isEqualTo(2);
        assertThat(table.rungFor("batch", "short", 3, 3)).isEqualTo(3);
        assertThat(table.rungFor("batch", "short", 4, 1)).isEqualTo(1);
        assertThat(table.rungFor("batch", "short", 3)).isEqualTo(2);
    }

    @Test
    @DisplayName("requests that all ran dense are evidence for every rung their shadow profile scored")
    void learnsFromProfilesOfDenseRequests() {
        PolicyTableLearner learner = new PolicyTableLearner(10);
        for (int i = 0; i < 10; i++) {
            // divergences from dense per rung: chat loses little until rung 3, formal text loses at once
            learner.observe(new RequestOutcome("chat", "short", null, 0,
                    RequestOutcome.costsFrom(new double[] {0, 0.004, 0.01, 0.2, 0.5}), 0.4));
            learner.observe(new RequestOutcome("formal", "long", null, 0,
                    RequestOutcome.costsFrom(new double[] {0, 0.2, 0.3, 0.5, 0.9}), 0.9));
        }

        PolicyTable table = learner.learn(0, FIVE, TOLERANCE);

        assertThat(table.rungFor("chat", "short", null, 0)).isEqualTo(2);
        assertThat(table.rungFor("formal", "long", null, 0)).isZero();
        PolicyTable.Entry chat = table.entries().get(0);
        assertThat(chat.meanDropNats()).isCloseTo(0.01, within(1e-9));
        assertThat(chat.meanE2eSeconds()).as("no request ran at rung 2 yet").isNull();
        assertThat(table.rungs()).containsExactly(Map.entry(new PolicyTable.Features("chat", "short", null), 2));
    }

    @Test
    @DisplayName("learning from a sparser base rung only considers rungs beyond it")
    void learnsFromTheBase() {
        PolicyTableLearner learner = new PolicyTableLearner(10);
        Random random = new Random(5);
        feed(learner, "batch", "short", 1, 0.01, 20, random);
        feed(learner, "batch", "short", 2, 0.30, 20, random);

        assertThat(learner.learn(0, FIVE, TOLERANCE).rungFor("batch", "short", null, 0)).isEqualTo(1);
        assertThat(learner.learn(1, FIVE, TOLERANCE).entries()).isEmpty();
        learner.clear();
        assertThat(learner.learn(0, FIVE, TOLERANCE).entries()).isEmpty();
    }

    @Test
    @DisplayName("JSON round-trip gives an equal table; malformed JSON is rejected with a reason")
    void jsonRoundTrip() {
        PolicyTable table = new PolicyTable(1, List.of(
                new PolicyTable.Entry("batch", "short", null, 3, 40, 0.02, 0.41),
                new PolicyTable.Entry(null, "long", 12, 2, 25, 0.03, 1.2)));

        String json = table.toJson();
        assertThat(json).contains("\"schema\":\"arborist.policy-table.v1\"", "\"default_rung\":1", "\"length_bucket\":\"short\"");
        PolicyTable back = PolicyTable.fromJson(json);
        assertThat(back).isEqualTo(table);
        assertThat(back.rungFor(null, "long", 12, 0)).isEqualTo(2);
        assertThatThrownBy(() -> PolicyTable.fromJson("{\"schema\":\"arborist.policy-table.v1\",\"default_rung\":0,"
                + "\"entries\":[{\"rung\":-1,\"samples\":1,\"mean_drop_nats\":0,\"mean_e2e_seconds\":0}]}"))
                .hasMessageContaining("entry rung must be non-negative");
        assertThatThrownBy(() -> PolicyTable.fromJson("{\"schema\":\"other\",\"default_rung\":0}")).hasMessageContaining("not a policy table");
        assertThatThrownBy(() -> PolicyTable.fromJson("{\"schema\":\"arborist.policy-table.v1\",\"default_rung\":0,"
                + "\"entries\":[{\"slo_class\":\"batch\"}]}")).hasMessageContaining("rung");
    }

    @Test
    @DisplayName("length buckets: short below 32 tokens, medium below 128, long from 128")
    void lengthBuckets() {
        assertThat(PolicyTable.lengthBucket(0)).isEqualTo("short");
        assertThat(PolicyTable.lengthBucket(31)).isEqualTo("short");
        assertThat(PolicyTable.lengthBucket(32)).isEqualTo("medium");
        assertThat(PolicyTable.lengthBucket(127)).isEqualTo("medium");
        assertThat(PolicyTable.lengthBucket(128)).isEqualTo("long");
        assertThatThrownBy(() -> PolicyTable.lengthBucket(-1)).hasMessageContaining("non-negative");
    }
}
