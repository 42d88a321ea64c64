package dev.arborist.policies.unstructured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arborist.policies.plan.Mask;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SparsityPatternTest {

    private static Scores random(int rows, int cols, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble();
        }
        return new Scores(rows, cols, v);
    }

    @Test
    @DisplayName("patterns parse from their command-line spelling and print back the same")
    void parses() {
        assertThat(SparsityPattern.parse("unstructured")).isEqualTo(new Unstructured());
        assertThat(SparsityPattern.parse("2:4")).isEqualTo(new NofM(2, 4));
        assertThat(SparsityPattern.parse(" 4:8 ")).isEqualTo(new NofM(4, 8));
        assertThat(SparsityPattern.parse("1x16")).isEqualTo(new Block(1, 16));
        assertThat(SparsityPattern.parse("2:4").toString()).isEqualTo("2:4");
        assertThat(SparsityPattern.parse("1x16").toString()).isEqualTo("1x16");
        assertThat(new NofM(2, 4).fixedSparsity()).hasValue(0.5);
    }

    @Test
    @DisplayName("bad patterns are rejected with messages that say what is accepted")
    void rejectsBadPatterns() {
        assertThatThrownBy(() -> SparsityPattern.parse("half")).hasMessageContaining("unknown sparsity pattern 'half'")
                .hasMessageContaining("N:M");
        assertThatThrownBy(() -> SparsityPattern.parse("4:2")).hasMessageContaining("0 < N < M");
        assertThatThrownBy(() -> SparsityPattern.parse("1x1")).hasMessageContaining("at least 2 weights");
    }

    @Test
    @DisplayName("a pattern that does not divide the width names the tensor and the width")
    void fitsNamesTensorAndWidth() {
        assertThatThrownBy(() -> new NofM(2, 4).requireFits("model.layers.0.mlp.down_proj.weight", 32, 30))
                .hasMessageContaining("model.layers.0.mlp.down_proj.weight").hasMessageContaining("30");
        assertThatThrownBy(() -> new Block(1, 16).requireFits("q", 32, 24)).hasMessageContaining("q").hasMessageContaining("24");
        new Block(1, 16).requireFits("q", 32, 48);
    }

    @Test
    @DisplayName("per-row selection prunes exactly floor(cols * p) lowest scores of every row")
    void perRowExact() {
        Scores s = random(7, 48, 1);
        Mask m = new Unstructured().select(s, 0.3, Comparison.PER_ROW);
        for (int r = 0; r < 7; r++) {
            int pruned = 0;
            float maxPruned = Float.NEGATIVE_INFINITY;
            float minKept = Float.POSITIVE_INFINITY;
            for (int c = 0; c < 48; c++) {
                if (m.isPruned(r, c)) {
                    pruned++;
                    maxPruned = Math.max(maxPruned, s.get(r, c));
                } else {
                    minKept = Math.min(minKept, s.get(r, c));
                }
            }
            assertThat(pruned).isEqualTo((int) Math.floor(48 * 0.3));
            assertThat(maxPruned).isLessThan(minKept);
        }
    }

    @Test
    @DisplayName("per-matrix selection prunes floor(numel * p) weights, unevenly across rows")
    void perMatrix() {
        float[] v = new float[4 * 10];
        for (int i = 0; i < v.length; i++) {
            v[i] = i; // row 0 holds the lowest scores
        }
        Mask m = new Unstructured().select(new Scores(4, 10, v), 0.25, Comparison.PER_MATRIX);
        assertThat(m.prunedCount()).isEqualTo(10);
        for (int c = 0; c < 10; c++) {
            assertThat(m.isPruned(0, c)).isTrue();
        }
    }

    @Test
    @DisplayName("N:M zeroes the N lowest of every group of M consecutive inputs")
    void nOfM() {
        Scores s = random(5, 32, 2);
        for (NofM p : new NofM[] {new NofM(2, 4), new NofM(4, 8), new NofM(1, 4)}) {
            Mask m = p.select(s, 0.5, Comparison.PER_MATRIX);
            for (int r = 0; r < 5; r++) {
                for (int g = 0; g < 32; g += p.m()) {
                    int zeros = 0;
                    for (int c = g; c < g + p.m(); c++) {
                        zeros += m.isPruned(r, c) ? 1 : 0;
                    }
                    assertThat(zeros).as("row %d group %d of %s", r, g, p).isEqualTo(p.n());
                }
            }
        }
    }

    @Test
    @DisplayName("block selection zeroes whole blocks, the ones with the lowest score sums")
    void blocks() {
        Scores s = random(4, 32, 3);
        Block b = new Block(2, 8);
        Mask m = b.select(s, 0.5, Comparison.PER_MATRIX);
        assertThat(m.prunedCount()).isEqualTo(4 * 32 / 2);
        for (int br = 0; br < 2; br++) {
            for (int bc = 0; bc < 4; bc++) {
                boolean first = m.isPruned(br * 2, bc * 8);
                for (int r = br * 2; r < br * 2 + 2; r++) {
                    for (int c = bc * 8; c < bc * 8 + 8; c++) {
                        assertThat(m.isPruned(r, c)).as("block (%d, %d) is all or nothing", br, bc).isEqualTo(first);
                    }
                }
            }
        }
        Mask perRow = new Block(1, 8).select(s, 0.5, Comparison.PER_ROW);
        for (int r = 0; r < 4; r++) {
            int zeros = 0;
            for (int c = 0; c < 32; c++) {
                zeros += perRow.isPruned(r, c) ? 1 : 0;
            }
            assertThat(zeros).isEqualTo(16);
        }
    }

    @Test
    @DisplayName("masks pack to one bit per weight and unpack to the same mask")
    void packing() {
        Mask m = new Unstructured().select(random(3, 13, 4), 0.4, Comparison.PER_MATRIX);
        byte[] packed = m.packKept();
        assertThat(packed).hasSize((3 * 13 + 7) / 8);
        assertThat(Mask.unpackKept(3, 13, packed)).isEqualTo(m);
    }
}
