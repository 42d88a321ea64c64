package dev.arborist.agent.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    @DisplayName("every quantile is within 1% of the exact nearest-rank value, over six orders of magnitude")
    void relativeError() {
        SplittableRandom random = new SplittableRandom(3);
        double[] values = new double[5000];
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            values[i] = Math.exp(random.nextDouble(Math.log(1e-4), Math.log(100))); // 0.1 ms .. 100 s
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double q : new double[] {0.01, 0.5, 0.9, 0.95, 0.99, 1.0}) {
            double exact = values[(int) Math.ceil(q * values.length) - 1];
            assertThat(h.quantile(q)).as("q=" + q).isCloseTo(exact, within(exact * LatencyHistogram.RELATIVE_ERROR));
        }
    }

    @Test
    @DisplayName("merging two histograms gives the histogram of all their values, and survives a snapshot round trip")
    void mergeAndRestore() {
        LatencyHistogram a = new LatencyHistogram();
        LatencyHistogram b = new LatencyHistogram();
        LatencyHistogram all = new LatencyHistogram();
        for (int i = 1; i <= 100; i++) {
            a.record(0.01 * i);
            b.record(1 + 0.01 * i);
            all.record(0.01 * i);
            all.record(1 + 0.01 * i);
        }
        a.merge(b);
        assertThat(a.count()).isEqualTo(200);
        assertThat(a.buckets()).isEqualTo(all.buckets());
        assertThat(a.quantile(0.95)).isCloseTo(1.90, within(0.019));
        LatencyHistogram restored = LatencyHistogram.of(a.buckets(), a.zeros());
        assertThat(restored.quantile(0.95)).isEqualTo(a.quantile(0.95));
        assertThat(restored.count()).isEqualTo(200);
    }

    @Test
    @DisplayName("zeros count at rank, an empty histogram has no quantile, and negative latencies are refused")
    void edges() {
        LatencyHistogram h = new LatencyHistogram();
        assertThat(h.quantile(0.95)).isNaN();
        h.record(0);
        h.record(0);
        h.record(2);
        assertThat(h.quantile(0.5)).isZero();
        assertThat(h.quantile(1)).isCloseTo(2, within(0.02));
        assertThatThrownBy(() -> h.record(-1)).hasMessageContaining("non-negative");
    }
}
