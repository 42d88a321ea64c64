package dev.arborist.policies.control;

import static dev.arborist.policies.control.Ladders.FIVE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PolicyTableTest {
    private static final double TOLERANCE = 0.05; // nats per token

    /** {@code n} shadowed requests of one class at one rung, drops scattered around {@code meanDrop}. */
    private static void feed(PolicyTableLearner learner, String sloClass, String bucket, int rung, double meanDrop, int n, Random random) {
        for (int i = 0; i < n; i++) {
            double drop = meanDrop + 0.01 * random.nextGaussian();
            learner.observe(new RequestOutcome(sloClass, bucket, null, rung, drop, 0.5 + 0.1 * rung));
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
        feed(learner, "interactive", "long", 2, 0.01, 40, random); // beyond the first failure: ignored
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
    @DisplayName("the table only ever makes a request sparser than the controller's base rung, never denser")
    void baseRungIsAFloor() {
        PolicyTable table = new PolicyTable(0, List.of(new PolicyTable.Entry("batch", "short", 3, 2, 30, 0.01, 0.4)));

        assertThat(table.rungFor("batch", "short", 3, 0)).isEqualTo(2);
        assertThat(table.rungFor("batch", "short", 3, 3)).isEqualTo(3);
        assertThat(table.rungFor("batch", "short", 4, 1)).isEqualTo(1);
        assertThat(table.rungFor("batch", "short", 3)).isEqualTo(2);
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
