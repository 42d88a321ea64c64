package dev.arborist.policies.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PolynomialDecayTest {

    @ParameterizedTest
    @CsvSource({"0, 3, 0.5, 10", "0.1, 3, 0.7, 1", "0, 1, 0.9, 7", "0.2, 2, 0.2, 4", "0, 0.5, 0.6, 5"})
    @DisplayName("starts at the initial sparsity, ends exactly at the target and never decreases")
    void endpointsAndMonotone(double initial, double power, double target, int steps) {
        double[] r = new PolynomialDecay(initial, power).ratios(target, steps);
        assertThat(r).hasSize(steps + 1);
        assertThat(r[0]).isCloseTo(initial, within(1e-12));
        assertThat(r[steps]).isEqualTo(target);
        for (int t = 1; t <= steps; t++) {
            assertThat(r[t]).isGreaterThanOrEqualTo(r[t - 1]);
        }
    }

    @Test
    @DisplayName("cubic follows Zhu & Gupta: half-way it has pruned 7/8 of the way; linear has pruned half")
    void cubicAndLinearValues() {
        assertThat(PolynomialDecay.cubic().ratios(0.8, 4)[2]).isCloseTo(0.8 * 7 / 8, within(1e-12));
        assertThat(PolynomialDecay.linear().ratios(0.8, 4)[2]).isCloseTo(0.4, within(1e-12));
        assertThat(PolynomialDecay.cubic().ratios(0.8, 4)[1]).isGreaterThan(PolynomialDecay.linear().ratios(0.8, 4)[1]);
    }

    @Test
    @DisplayName("rejects a target below the start, a target of 1 and zero steps")
    void rejectsBadRequests() {
        assertThatThrownBy(() -> new PolynomialDecay(0.5, 3).ratios(0.4, 3)).hasMessageContaining("target");
        assertThatThrownBy(() -> PolynomialDecay.cubic().ratios(1.0, 3)).hasMessageContaining("target");
        assertThatThrownBy(() -> PolynomialDecay.cubic().ratios(0.5, 0)).hasMessageContaining("steps");
        assertThatThrownBy(() -> new PolynomialDecay(0, 0)).hasMessageContaining("power");
    }
}
