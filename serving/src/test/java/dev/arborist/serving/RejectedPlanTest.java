package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arborist.events.Decision;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.events.ModelUpdate;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.plan.PlanArtifact;
import dev.arborist.serving.kafka.TelemetryConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damaged plan artifacts, offered through {@code POST /admin/plan} and announced on
 * {@code arborist.models} (a real broker): each is rejected, serving stays on the plan it serves,
 * {@code arborist_swaps_total{result="rejected"}} counts it and a decision record says why.
 * A flipped byte in plan.safetensors is covered by {@link HotSwapTest} and {@link ModelUpdateTest}.
 */
@Timeout(60)
class RejectedPlanTest {
    private static final String DEPLOYMENT = "rejects-prod";
    private static final String TOKEN = "s3cret";
    private static final JsonObject GREEDY = Http.completion("the model keeps", 8).put("ignore_eos", true);
    private static final String REJECTED = "arborist_swaps_total{result=\"rejected\"} ";

    /** One way an artifact can be broken: a word the rejection's reason must contain, and what breaks a written artifact so. */
    enum Damage {
        TRUNCATED_PLAN_FILE("corrupted", a -> PlanFixtures.truncate(a.resolve(PlanArtifact.PLAN_FILE), 0.5)),
        TRUNCATED_PLAN_FILE_WITH_A_MANIFEST_THAT_AGREES("truncated", a -> {
            PlanFixtures.truncate(a.resolve(PlanArtifact.PLAN_FILE), 0.5);
            PlanFixtures.setPlanHash(a, PlanFixtures.sha256(a.resolve(PlanArtifact.PLAN_FILE)));
        }),
        MANIFEST_MISSING("manifest.json", a -> Files.delete(a.resolve(PlanArtifact.MANIFEST_FILE))),
        MANIFEST_UNREADABLE("manifest", a -> PlanFixtures.truncate(a.resolve(PlanArtifact.MANIFEST_FILE), 0.5)),
        MANIFEST_WITH_A_MALFORMED_FIELD("created_at", a -> PlanFixtures.editManifest(a, m -> m.put("created_at", "yesterday"))),
        MANIFEST_WITH_A_WRONG_SHA256("corrupted", a -> PlanFixtures.setPlanHash(a, "5".repeat(64))),
        BUILT_FOR_ANOTHER_BASE_MODEL("base model", a -> {}); // written for another model, otherwise intact

        final String reason;
        final Breaker breaker;

        Damage(String reason, Breaker breaker) {
            this.reason = reason;
            this.breaker = breaker;
        }
    }

    /** Damages an artifact directory in place. */
    interface Breaker {
        void apply(Path artifact) throws IOException;
    }

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static KafkaProducer<String, String> producer;
    static KafkaFixtures.Decisions decisions;
    static Vertx client;
    static ServingServer server;
    static Http http;
    static PlanArtifact served;
    static PlanArtifact adminOnly; // truncated; offered only through the admin API
    static String servedText;
    static final Map<Damage, ModelUpdate> damaged = new EnumMap<>(Damage.class);

    @BeforeAll
    static void start() throws Exception {
        Path model = TinyModel.create(Files.createDirectories(dir.resolve("base")));
        Path other = TinyModel.create(Files.createDirectories(dir.resolve("other")), 64); // another config: another fingerprint
        try (LanguageModel base = LanguageModel.load(model); LanguageModel otherBase = LanguageModel.load(other)) {
            served = PlanFixtures.write(base, dir.resolve("served"), 0.5);
            double sparsity = 0.3;
            for (Damage d : Damage.values()) {
                LanguageModel builtFor = d == Damage.BUILT_FOR_ANOTHER_BASE_MODEL ? otherBase : base;
                damaged.put(d, KafkaFixtures.update(DEPLOYMENT, PlanFixtures.write(builtFor, artifact(d), sparsity), artifact(d)));
                d.breaker.apply(artifact(d));
                sparsity += 0.05; // a plan id of its own, so its decision record is told apart
            }
            adminOnly = PlanFixtures.write(base, dir.resolve("admin-only"), 0.8);
            Damage.TRUNCATED_PLAN_FILE.breaker.apply(dir.resolve("admin-only"));
        }
        kafka = EmbeddedKafka.start();
        KafkaFixtures.createTopics(kafka.bootstrapServers());
        producer = KafkaFixtures.producer(kafka.bootstrapServers());
        decisions = new KafkaFixtures.Decisions(kafka.bootstrapServers());
        KafkaFixtures.announce(producer, KafkaFixtures.update(DEPLOYMENT, served, dir.resolve("served")));
        TelemetryConfig telemetry = new TelemetryConfig(kafka.bootstrapServers(), DEPLOYMENT, "replica-a", 100);
        server = Http.await(ServingServer.start(ServingConfig.of(model).withPort(0).withTelemetry(telemetry).withAdminToken(TOKEN)));
        Http.await(server.ready());
        client = Vertx.vertx();
        http = new Http(client, server.port());
        http.awaitMetrics(servingPlan(served.id()));
        servedText = completion();
    }

    private static Path artifact(Damage d) {
        return dir.resolve(d.name());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            Http.await(server.close());
        }
        if (client != null) {
            Http.await(client.close());
        }
        if (decisions != null) {
            decisions.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Damage.class)
    @DisplayName("POST /admin/plan of a damaged artifact: 422 saying why, counted, still serving the current plan")
    void rejectedThroughTheAdminApi(Damage d) throws Exception {
        int before = rejections();
        HttpResponse<Buffer> load = adminLoad(artifact(d));

        assertThat(load.statusCode()).as(load.bodyAsString()).isEqualTo(422);
        assertThat(load.bodyAsJsonObject().getJsonObject("error").getString("message")).containsIgnoringCase(d.reason);
        http.awaitMetrics(REJECTED + (before + 1) + ".0");
        assertStillServing();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Damage.class)
    @DisplayName("a damaged artifact announced on arborist.models: a swap-rejected decision saying why, counted, still serving the current plan")
    void rejectedFromTheTopic(Damage d) throws Exception {
        int before = rejections();
        ModelUpdate update = damaged.get(d);
        KafkaFixtures.announce(producer, update);

        Decision decision = decisions.await("a decision on " + d, r -> update.planId().equals(r.planId()));
        assertThat(decision.action()).isEqualTo("swap-rejected");
        assertThat(decision.replica()).isEqualTo("replica-a");
        assertThat(decision.reason()).containsIgnoringCase(d.reason);
        http.awaitMetrics(REJECTED + (before + 1) + ".0");
        assertStillServing();
    }

    @Test
    @DisplayName("an announcement whose sha256 is not the artifact's is rejected with a decision naming the mismatch")
    void announcementThatDoesNotMatchItsArtifact() throws Exception {
        int before = rejections();
        ModelUpdate honest = KafkaFixtures.update(DEPLOYMENT, served, dir.resolve("served"));
        String otherId = "0".repeat(64);
        ModelUpdate update = new ModelUpdate(DEPLOYMENT, otherId, honest.uri(), otherId, honest.baseSha256(), "test");
        KafkaFixtures.announce(producer, update);

        Decision decision = decisions.await("a decision on plan " + otherId, r -> otherId.equals(r.planId()));
        assertThat(decision.action()).isEqualTo("swap-rejected");
        assertThat(decision.reason()).contains("announced");
        http.awaitMetrics(REJECTED + (before + 1) + ".0");
        assertStillServing();
    }

    @Test
    @DisplayName("a plan the admin API rejects also gets a swap-rejected decision record on arborist.decisions")
    void adminRejectionIsOnTheDecisionLog() throws Exception {
        HttpResponse<Buffer> load = adminLoad(dir.resolve("admin-only"));
        assertThat(load.statusCode()).isEqualTo(422);

        Decision decision = decisions.await("a decision on plan " + adminOnly.id(), r -> adminOnly.id().equals(r.planId()));
        assertThat(decision.action()).isEqualTo("swap-rejected");
        assertThat(decision.reason()).contains("corrupted");
    }

    private static HttpResponse<Buffer> adminLoad(Path artifact) throws Exception {
        return Http.await(http.client.post("/admin/plan").putHeader("Authorization", "Bearer " + TOKEN)
                .sendJsonObject(new JsonObject().put("path", artifact.toString())));
    }

    /** The current plan still serves: its model_info line, and its own greedy output. */
    private static void assertStillServing() throws Exception {
        http.awaitMetrics(servingPlan(served.id()));
        assertThat(completion()).isEqualTo(servedText);
    }

    private static String completion() throws Exception {
        HttpResponse<Buffer> r = Http.await(http.post("/v1/completions", GREEDY));
        assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
        return r.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0).getString("text");
    }

    private static String servingPlan(String planId) {
        return "arborist_model_info{plan_id=\"" + planId + "\"} 1";
    }

    private static int rejections() throws Exception {
        String metrics = Http.await(http.get("/metrics")).bodyAsString();
        return metrics.lines().filter(l -> l.startsWith(REJECTED)).mapToInt(l -> (int) Double.parseDouble(l.substring(REJECTED.length())))
                .findFirst().orElseThrow();
    }
}
