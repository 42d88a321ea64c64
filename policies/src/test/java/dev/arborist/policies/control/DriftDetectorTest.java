package dev.arborist.policies.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DriftDetectorTest {

    @Test
    @DisplayName("Jensen-Shannon in bits: 0 for the same distribution at any total, 1 for disjoint support, 0.311 for a known pair")
    void jensenShannonValues() {
        assertThat(DriftDetector.jensenShannonBits(new long[] {10, 20, 0, 70}, new long[] {100, 200, 0, 700})).isZero();
        assertThat(DriftDetector.jensenShannonBits(new long[] {5, 5, 0, 0}, new long[] {0, 0, 3, 9})).isEqualTo(1.0);
        // P = (1, 0), Q = (1/2, 1/2): JS = 1/2 log2(4/3) + 1/2 (1/2 log2(2/3) + 1/2 log2 2) = 0.3113
        assertThat(DriftDetector.jensenShannonBits(new long[] {4, 0}, new long[] {7, 7})).isCloseTo(0.31128, within(1e-5));
        assertThat(DriftDetector.jensenShannonBits(new long[] {1, 3}, new long[] {3, 1}))
                .isEqualTo(DriftDetector.jensenShannonBits(new long[] {3, 1}, new long[] {1, 3}));
        assertThatThrownBy(() -> DriftDetector.jensenShannonBits(new long[] {1, 2}, new long[] {1, 2, 3})).hasMessageContaining("2 and 3 experts");
        assertThatThrownBy(() -> DriftDetector.jensenShannonBits(new long[] {0, 0}, new long[] {1, 2})).hasMessageContaining("at least one count");
    }

    @Test
    @DisplayName("identical traffic scores 0 and never drifts; disjoint traffic scores 1 on every layer")
    void identicalAndDisjoint() {
        DriftDetector d = new DriftDetector(0.1, 0.05, 1);
        long[][] reference = {{10, 10, 0, 0}, {0, 5, 5, 0}};
        d.rebase(reference, null);

        DriftReport same = d.observe(new long[][] {{30, 30, 0, 0}, {0, 1, 1, 0}}, null);
        assertThat(same.score()).isZero();
        assertThat(same.normShift()).isNull();
        assertThat(same.drifted()).isFalse();
        DriftReport disjoint = d.observe(new long[][] {{0, 0, 4, 4}, {8, 0, 0, 8}}, null);
        assertThat(disjoint.score()).isEqualTo(1.0);
        assertThat(disjoint.drifted()).isTrue();
    }

    @Test
    @DisplayName("drift is confirmed only after confirmWindows consecutive shifted windows; a calm window resets the count")
    void confirmation() {
        DriftDetector d = new DriftDetector(0.2, 0.05, 3);
        d.rebase(new long[][] {{50, 50, 0, 0}}, null);
        long[][] shifted = {{0, 50, 50, 0}};
        long[][] calm = {{48, 52, 0, 0}};
        for (int i = 0; i < 4; i++) {
            assertThat(d.observe(calm, null).windowsOver()).isZero(); // the noise estimate learns that calm traffic is steady
        }

        assertThat(d.observe(shifted, null).drifted()).isFalse();
        assertThat(d.observe(shifted, null).windowsOver()).isEqualTo(2);
        assertThat(d.observe(calm, null).windowsOver()).isZero();
        assertThat(d.observe(shifted, null).drifted()).isFalse();
        assertThat(d.observe(shifted, null).drifted()).isFalse();
        DriftReport third = d.observe(shifted, null);
        assertThat(third.drifted()).isTrue();
        assertThat(third.score()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    @DisplayName("the report says how much of a distance the sampling noise explains: half the median distance between successive"
            + " samples, once three are known")
    void thresholdFollowsTheSamplingNoise() {
        DriftDetector d = new DriftDetector(0.01, 0.05, 2);
        d.rebase(new long[][] {{50, 50, 0, 0}}, null);
        long[][][] noisy = {{{35, 65, 0, 0}}, {{68, 32, 0, 0}}, {{30, 70, 0, 0}}, {{66, 34, 0, 0}}, {{33, 67, 0, 0}}, {{65, 35, 0, 0}}};
        DriftReport last = null;
        for (int round = 0; round < 2; round++) {
            for (long[][] sample : noisy) {
                last = d.observe(sample, null);
            }
        }
        assertThat(last.score()).as("the last sample is over the fixed threshold").isGreaterThan(0.01);
        assertThat(last.scoreNoise()).isGreaterThan(last.score());

        DriftReport shifted = null;
        for (int i = 0; i < 2; i++) {
            shifted = d.observe(new long[][] {{5, 45, 50, 0}}, null);
        }
        assertThat(shifted.drifted()).as("%s", shifted).isTrue();
    }

    @Test
    @DisplayName("the reference seen over other units (a rung move) keeps the shifted windows counted so far; a rebase starts again")
    void reprojectKeepsTheCount() {
        DriftDetector d = new DriftDetector(0.2, 0.05, 3);
        d.rebase(new long[][] {{50, 50, 0, 0}}, null);
        long[][] shifted = {{0, 50, 50, 0}};
        d.observe(shifted, null);
        d.observe(shifted, null);

        d.reproject(new long[][] {{50, 50, 0, 0}}, null); // e.g. serving now runs a level that keeps every expert seen here
        assertThat(d.observe(shifted, null).drifted()).as("the third shifted window in a row").isTrue();

        d.rebase(new long[][] {{50, 50, 0, 0}}, null);
        assertThat(d.observe(shifted, null).windowsOver()).isEqualTo(1);
    }

    @Test
    @DisplayName("rebase makes the new traffic the reference: the same windows now score 0")
    void rebase() {
        DriftDetector d = new DriftDetector(0.2, 0.05, 1);
        long[][] old = {{90, 10}};
        long[][] now = {{10, 90}};
        assertThat(d.observe(old, null).score()).as("the first window becomes the reference").isZero();
        assertThat(d.observe(now, null).drifted()).isTrue();

        d.rebase(now, null);
        DriftReport after = d.observe(new long[][] {{20, 180}}, null);
        assertThat(after.score()).isZero();
        assertThat(after.drifted()).isFalse();
        now[0][0] = 90; // the detector kept its own copy
        assertThat(d.observe(new long[][] {{10, 90}}, null).score()).isZero();
    }

    @Test
    @DisplayName("channel norms: a scaled vector is no shift, an orthogonal one is 1; dense layers and empty layers are skipped")
    void channelNorms() {
        DriftDetector d = new DriftDetector(0.2, 0.1, 1);
        d.rebase(new long[][] {null, {10, 0}}, new double[][] {{1, 2, 3}, {1, 0, 0}});

        DriftReport scaled = d.observe(new long[][] {null, {0, 0}}, new double[][] {{2, 4, 6}, {3, 0, 0}});
        assertThat(scaled.score()).as("no layer with routing on both sides").isNull();
        assertThat(scaled.normShift()).isCloseTo(0, within(1e-12));
        assertThat(scaled.drifted()).isFalse();
        DriftReport moved = d.observe(null, new double[][] {{1, 2, 3}, {0, 5, 0}});
        assertThat(moved.normShift()).isCloseTo(0.5, within(1e-12)); // layer 0 unchanged, layer 1 orthogonal
        assertThat(moved.drifted()).isTrue();
        assertThatThrownBy(() -> d.observe(new long[][] {{1, 1}}, null)).hasMessageContaining("2 layers but the window has 1");
    }
}
