package dev.arborist.policies.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.arborist.model.nn.TinyModels;
import dev.arborist.model.nn.WeightExport;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.PruningMethods;
import dev.arborist.policies.PruningTarget;
import dev.arborist.policies.calib.CalibrationSet;
import dev.arborist.policies.unstructured.Fixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlanArtifactTest {
    @TempDir
    static Path models;

    @TempDir
    Path store;

    private static LanguageModel mixtral;
    private static LanguageModel llama;
    private static CalibrationSet calibration;

    @BeforeAll
    static void load() throws Exception {
        mixtral = Fixtures.saved(TinyModels.mixtral(), models.resolve("mixtral"), 1);
        llama = Fixtures.saved(TinyModels.llama(), models.resolve("llama"), 1);
        calibration = Fixtures.calibration(97, 4, 32, 2);
    }

    @AfterAll
    static void close() {
        mixtral.close();
        llama.close();
    }

    private static PruningPlan plan(String method) {
        return PruningMethods.create(method).plan(new PruningTarget(mixtral, 0.5, Map.of()), calibration, (d, t) -> {});
    }

    private static Map<String, float[]> applied(PruningPlan plan, NDManager m) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        WeightEditor.Result r = plan.applyMasked(mixtral.config(), mixtral.transformer().weights(), m);
        for (Map.Entry<String, NDArray> e : WeightExport.named(r.config(), r.weights()).entrySet()) {
            out.put(e.getKey(), e.getValue().toFloatArray());
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"wanda", "sparsegpt"})
    @DisplayName("a plan read back from its artifact gives bit-identical weights")
    void roundTrip(String method) {
        PruningPlan plan = plan(method);
        PlanArtifact written = PlanArtifact.write(store.resolve("p"), plan, mixtral, "parent-id", Map.of("perplexity", 12.5));
        PlanArtifact read = PlanArtifact.read(store.resolve("p"), mixtral);
        try (NDManager m = mixtral.manager().newSubManager()) {
            Map<String, float[]> expected = applied(plan, m);
            Map<String, float[]> actual = applied(read.plan(), m);
            assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
            expected.forEach((name, w) -> assertThat(actual.get(name)).as(name).containsExactly(w));
        }
        PlanManifest manifest = read.manifest();
        assertThat(manifest).isEqualTo(written.manifest());
        assertThat(manifest.planId()).isEqualTo(FileHashes.sha256(store.resolve("p").resolve(PlanArtifact.PLAN_FILE)));
        assertThat(manifest.baseModel()).isEqualTo(mixtral.fingerprint());
        assertThat(manifest.parentPlan()).isEqualTo("parent-id");
        assertThat(manifest.method()).isEqualTo(method);
        assertThat(manifest.quality()).containsEntry("perplexity", 12.5);
        assertThat(manifest.targets()).hasSize(plan.entries().size());
        assertThat(manifest.sparsity().overall()).isBetween(0.49, 0.51);
        assertThat(read.plan().settings()).isEqualTo(plan.settings());
    }

    @Test
    @DisplayName("the same plan always gets the same id; masks take one bit per weight")
    void deterministicAndCompact() throws IOException {
        PruningPlan plan = plan("magnitude");
        String a = PlanArtifact.write(store.resolve("a"), plan, mixtral, null, Map.of()).id();
        String b = PlanArtifact.write(store.resolve("b"), plan, mixtral, null, Map.of()).id();
        assertThat(a).isEqualTo(b).hasSize(64);
        long weights = SparsityReport.measure(plan, mixtral).total();
        long bytes = Files.size(store.resolve("a").resolve(PlanArtifact.PLAN_FILE));
        assertThat(bytes).isLessThan(weights / 8 + 64 * 1024); // bits plus the header
    }

    @Test
    @DisplayName("a corrupted plan file is rejected, naming the file")
    void corrupted() throws IOException {
        PlanArtifact.write(store.resolve("p"), plan("wanda"), mixtral, null, Map.of());
        Path file = store.resolve("p").resolve(PlanArtifact.PLAN_FILE);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(f.length() - 1);
            int last = f.read();
            f.seek(f.length() - 1);
            f.write(last ^ 0x01);
        }
        assertThatThrownBy(() -> PlanArtifact.read(store.resolve("p"), mixtral))
                .isInstanceOf(PlanFormatException.class)
                .hasMessageContaining("plan.safetensors is corrupted");
    }

    @Test
    @DisplayName("a plan is refused by any model but its base")
    void wrongBase() {
        PlanArtifact.write(store.resolve("p"), plan("magnitude"), mixtral, null, Map.of());
        assertThatThrownBy(() -> PlanArtifact.read(store.resolve("p"), llama))
                .isInstanceOf(PlanFormatException.class)
                .hasMessageContaining("built for base model " + mixtral.fingerprint())
                .hasMessageContaining("this model (" + llama.directory() + ") is " + llama.fingerprint());
    }

    @Test
    @DisplayName("a failed write leaves nothing behind, and an existing artifact is never overwritten")
    void atomic() throws IOException {
        Path target = store.resolve("p");
        assertThatThrownBy(() -> AtomicDirectory.create(target, staging -> {
            Files.writeString(staging.resolve("half-written"), "x");
            throw new IOException("disk full");
        })).hasMessageContaining("disk full");
        try (Stream<Path> left = Files.list(store)) {
            assertThat(left).isEmpty();
        }
        PlanArtifact.write(target, plan("magnitude"), mixtral, null, Map.of());
        assertThatThrownBy(() -> PlanArtifact.write(target, plan("magnitude"), mixtral, null, Map.of()))
                .hasMessageContaining("already exists");
    }
}
