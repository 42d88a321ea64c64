package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import ai.djl.ndarray.NDManager;
import dev.arborist.events.EmbeddedKafka;
import dev.arborist.events.ModelUpdate;
import dev.arborist.events.RequestEvent;
import dev.arborist.events.StatsSketch;
import dev.arborist.events.Topics;
import dev.arborist.model.gen.BatchDecoder;
import dev.arborist.model.gen.Sampler;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.nn.ElasticModel;
import dev.arborist.model.nn.KvCache;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.model.tokenizer.HfTokenizer;
import dev.arborist.policies.control.PolicyTable;
import dev.arborist.policies.elastic.ElasticArtifact;
import dev.arborist.policies.elastic.LevelJson;
import dev.arborist.policies.plan.PlanArtifact;
import dev.arborist.serving.kafka.TelemetryConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An elastic plan announced and moved along its ladder over a real in-process Kafka broker, and the
 * telemetry it produces. Every step is sampled for statistics and every request for a shadow score,
 * so the continuation is the full model's greedy one and can be scored by hand. Blocking: it polls.
 */
@Timeout(180)
class ElasticTelemetryTest {
    private static final String DEPLOYMENT = "tiny-elastic";
    private static final String PROMPT = "the model keeps most weights while pruning";
    private static final int TOKENS = 6;

    @TempDir
    static Path dir;

    @Test
    @DisplayName("a rung-only update moves the rung without a reload; request events carry plan, rung, level, features, "
            + "shadow and prompt; stats sketches are full width and name the plan")
    void rungMovesAndTelemetry() throws Exception {
        Path model = ElasticFixtures.model(dir);
        Path plan = dir.resolve("elastic");
        ElasticArtifact artifact;
        try (LanguageModel base = LanguageModel.load(model)) {
            artifact = ElasticFixtures.write(base, plan);
        }
        Vertx vertx = Vertx.vertx();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                KafkaProducer<String, String> producer = KafkaFixtures.producer(kafka.bootstrapServers());
                KafkaFixtures.Decisions decisions = new KafkaFixtures.Decisions(kafka.bootstrapServers())) {
            KafkaFixtures.createTopics(kafka.bootstrapServers());
            TelemetryConfig telemetry = new TelemetryConfig(kafka.bootstrapServers(), DEPLOYMENT, "replica-a", 100)
                    .withStats(1, Duration.ofMillis(300)).withSparseSampleEvery(1).withShadowEvery(1);
            ServingServer server = Http.await(ServingServer.start(vertx, ServingConfig.of(model).withPort(0).withTelemetry(telemetry), List.of()));
            Http.await(server.ready());
            Http http = new Http(vertx, server.port());

            ModelUpdate update = new ModelUpdate(DEPLOYMENT, artifact.id(), plan.toString(), artifact.manifest().files().get(PlanArtifact.PLAN_FILE),
                    artifact.manifest().baseModel(), "first plan", 1);
            KafkaFixtures.announce(producer, update);
            http.awaitMetrics("arborist_model_info{plan_id=\"" + artifact.id() + "\"} 1", "arborist_model_rung 1.0",
                    "arborist_swaps_total{result=\"ok\"} 1.0");

            KafkaFixtures.announce(producer, update.atRung(2, "p95 above the SLO"));
            http.awaitMetrics("arborist_model_rung 2.0", "arborist_rung_changes_total 1.0");
            assertThat(decisions.await("rung-changed", d -> d.action().equals("rung-changed")))
                    .satisfies(d -> {
                        assertThat(d.planId()).isEqualTo(artifact.id());
                        assertThat(d.fromRung()).isEqualTo(1);
                        assertThat(d.toRung()).isEqualTo(2);
                        assertThat(d.reason()).isEqualTo("p95 above the SLO");
                    });
            KafkaFixtures.announce(producer, update.atRung(3, "off the ladder"));
            assertThat(decisions.await("rung-rejected", d -> d.action().equals("rung-rejected")).reason()).contains("use 0..2");
            assertThat(Http.await(http.get("/metrics")).bodyAsString())
                    .as("no reload: one swap, the rung where the last valid update put it")
                    .contains("arborist_swaps_total{result=\"ok\"} 1.0", "arborist_model_rung 2.0", "arborist_rung_changes_total 1.0");

            JsonObject request = Http.completion(PROMPT, TOKENS).put("ignore_eos", true).put("slo_class", "batch");
            assertThat(Http.await(http.post("/v1/completions", request)).statusCode()).isEqualTo(200);
            RequestEvent event = RequestEvent.parse(first(kafka.bootstrapServers(), Topics.REQUESTS.topic(), v -> true));
            List<StatsSketch> sketches = sketchesCovering(kafka.bootstrapServers(), event.promptTokens() + TOKENS - 1);
            policyComesWithThePlan(update, event.features(), producer, decisions, http);
            Http.await(server.close());

            checkRequestEvent(event, model, plan, artifact.id());
            checkSketches(sketches, artifact.id());
        } finally {
            Http.await(vertx.close());
        }
    }

    /**
     * The agent announces the plan at rung 1 with a policy table sending the "batch" class of this
     * prompt to rung 2: that class runs at 2, another class at the base rung 1. A table naming a
     * rung the ladder lacks is refused and the one in force stays.
     */
    private static void policyComesWithThePlan(ModelUpdate update, RequestEvent.Features batch, KafkaProducer<String, String> producer,
                                               KafkaFixtures.Decisions decisions, Http http) throws Exception {
        PolicyTable table = new PolicyTable(0, List.of(new PolicyTable.Entry("batch", batch.lengthBucket(), batch.signature(), 2, 8, 0.01, null)));
        KafkaFixtures.announce(producer, update.atRung(1, "headroom").withPolicy(new ObjectMapper().readTree(table.toJson()), "per-input policy"));
        assertThat(decisions.await("policy-changed", d -> d.action().equals("policy-changed")).reason()).isEqualTo("per-input policy");
        http.awaitMetrics("arborist_model_rung 1.0");
        for (String sloClass : List.of("batch", "interactive")) {
            JsonObject request = Http.completion(PROMPT, 2).put("ignore_eos", true).put("slo_class", sloClass);
            assertThat(Http.await(http.post("/v1/completions", request)).statusCode()).isEqualTo(200);
        }
        http.awaitMetrics("arborist_level_requests_total{rung=\"2\"} 2.0", "arborist_level_requests_total{rung=\"1\"} 1.0");

        PolicyTable offLadder = new PolicyTable(0, List.of(new PolicyTable.Entry("batch", null, null, 3, 8, 0.01, null)));
        KafkaFixtures.announce(producer, update.atRung(1, "headroom").withPolicy(new ObjectMapper().readTree(offLadder.toJson()), "bad"));
        assertThat(decisions.await("policy-rejected", d -> d.action().equals("policy-rejected")).reason()).contains("the ladder has rungs 0..2");
        JsonObject request = Http.completion(PROMPT, 2).put("ignore_eos", true).put("slo_class", "batch");
        assertThat(Http.await(http.post("/v1/completions", request)).statusCode()).isEqualTo(200);
        http.awaitMetrics("arborist_level_requests_total{rung=\"2\"} 3.0"); // the table in force still applies
    }

    private static void checkRequestEvent(RequestEvent event, Path model, Path plan, String planId) throws Exception {
        assertThat(event.planId()).isEqualTo(planId);
        assertThat(event.rung()).isEqualTo(2);
        assertThat(event.baseRung()).isEqualTo(2);
        assertThat(LevelJson.parse(event.level())).isEqualTo(ElasticFixtures.RUNG_2);
        assertThat(event.completionTokens()).isEqualTo(TOKENS);
        try (LanguageModel base = LanguageModel.load(model); HfTokenizer tokenizer = HfTokenizer.load(model.resolve("tokenizer.json"));
                NDManager m = base.manager().newSubManager(); ElasticModel elastic = ElasticArtifact.read(plan, base).plan().apply(base, m)) {
            int[] prompt = tokenizer.encode(PROMPT);
            assertThat(event.promptTokenIds()).containsExactly(prompt);
            assertThat(event.features()).isEqualTo(new RequestEvent.Features(prompt.length, "batch", "short",
                    new PromptSignature(base.transformer(), base.manager()).of(prompt)));
            assertThat(event.features().signature()).isBetween(0, base.config().numExperts() - 1);

            // Every step ran at full width (all sampled), so the continuation is the full model's greedy one.
            int[] completion = greedy(elastic.full(), prompt, m);
            assertThat(event.shadow().tokens()).isEqualTo(TOKENS);
            assertThat(event.shadow().denseLogLikelihood()).isCloseTo(meanLogLikelihood(elastic.full(), prompt, completion, m), within(1e-3));
            assertThat(event.shadow().levelLogLikelihood())
                    .isCloseTo(meanLogLikelihood(elastic.at(ElasticFixtures.RUNG_2), prompt, completion, m), within(1e-3))
                    .isNotCloseTo(event.shadow().denseLogLikelihood(), within(1e-3)); // the two models were both run
            // ... and every rung scored the same continuation: what each would have cost this input
            assertThat(event.shadow().rungLogLikelihoods()).hasSize(3);
            assertThat(event.shadow().rungLogLikelihoods()[0]).isEqualTo(event.shadow().denseLogLikelihood());
            assertThat(event.shadow().rungLogLikelihoods()[1])
                    .isCloseTo(meanLogLikelihood(elastic.at(ElasticFixtures.RUNG_1), prompt, completion, m), within(1e-3));
            assertThat(event.shadow().rungLogLikelihoods()[2]).isEqualTo(event.shadow().levelLogLikelihood());
            // ... and what each rung would cost it: the divergence from the full model at the continuation's positions
            double[] divergences = event.shadow().rungDivergences();
            assertThat(divergences).hasSize(3);
            assertThat(divergences[0]).isZero();
            assertThat(divergences[1]).isCloseTo(meanDivergence(elastic.full(), elastic.at(ElasticFixtures.RUNG_1), prompt, completion, m),
                    within(1e-3));
            assertThat(divergences[2]).isPositive()
                    .isCloseTo(meanDivergence(elastic.full(), elastic.at(ElasticFixtures.RUNG_2), prompt, completion, m), within(1e-3));
        }
    }

    private static void checkSketches(List<StatsSketch> sketches, String planId) {
        assertThat(sketches).allSatisfy(s -> {
            assertThat(s.planId()).isEqualTo(planId);
            assertThat(s.rung()).isZero(); // the full level
        });
        long tokens = sketches.stream().mapToLong(StatsSketch::sampledTokens).sum();
        int k = sketches.get(0).expertsPerToken();
        for (int layer = 0; layer < 2; layer++) {
            long[] routing = new long[4];
            double[] ffn = new double[24];
            double[] attn = new double[32];
            for (StatsSketch s : sketches) {
                StatsSketch.Layer l = s.layers().get(layer);
                assertThat(l.routingCounts()).hasSize(4);
                Arrays.setAll(routing, e -> routing[e] + l.routingCounts()[e]);
                l.ffnOut().forEach(c -> Arrays.setAll(ffn, i -> ffn[i] + c.sumSquares()[i]));
                Arrays.setAll(attn, i -> attn[i] + l.attnOut().sumSquares()[i]);
            }
            // Rung 2 runs experts 0-1, channels 0-11, attention dims 0-15 and skips layer 1; the sketch sees it all.
            assertThat(Arrays.stream(routing).sum()).as("layer %d routing", layer).isEqualTo(k * tokens);
            assertThat(routing[2] + routing[3]).as("layer %d: experts rung 2 trims", layer).isPositive();
            assertThat(Arrays.stream(ffn, 12, 24).sum()).as("layer %d: channels rung 2 trims", layer).isPositive();
            assertThat(Arrays.stream(attn, 16, 32).sum()).as("layer %d: the KV group rung 2 trims", layer).isPositive();
        }
    }

    /** {@value #TOKENS} greedy tokens of {@code model}, decoded step by step over a cache. */
    private static int[] greedy(Transformer model, int[] prompt, NDManager m) {
        try (KvCache cache = model.newCache(m, 1, TinyModel.CONTEXT)) {
            BatchDecoder decoder = new BatchDecoder(m);
            int slot = cache.acquire();
            int[] out = new int[TOKENS];
            int[] feed = prompt;
            for (int i = 0; i < TOKENS; i++) {
                out[i] = Sampler.of(0, 1, 0).sample(decoder.step(model, cache, new int[] {slot}, new int[][] {feed}, Instrumentation.OFF)[0]);
                feed = new int[] {out[i]};
            }
            return out;
        }
    }

    /** Mean log p of {@code completion} given everything before it, by teacher forcing over a cache (not the scorer's causal pass). */
    private static double meanLogLikelihood(Transformer model, int[] prompt, int[] completion, NDManager m) {
        try (KvCache cache = model.newCache(m, 1, TinyModel.CONTEXT); NDManager scratch = m.newSubManager()) {
            BatchDecoder decoder = new BatchDecoder(m);
            int slot = cache.acquire();
            double sum = 0;
            int[] feed = prompt;
            for (int token : completion) {
                float[] logits = decoder.step(model, cache, new int[] {slot}, new int[][] {feed}, Instrumentation.OFF)[0];
                NDArray logProbs = scratch.create(logits).logSoftmax(0);
                sum += logProbs.getFloat(token);
                feed = new int[] {token};
            }
            return sum / completion.length;
        }
    }

    /** Mean KL(reference || model) of the next-token distributions at {@code completion}'s positions, both stepped over caches. */
    private static double meanDivergence(Transformer reference, Transformer model, int[] prompt, int[] completion, NDManager m) {
        try (KvCache refCache = reference.newCache(m, 1, TinyModel.CONTEXT); KvCache cache = model.newCache(m, 1, TinyModel.CONTEXT)) {
            BatchDecoder decoder = new BatchDecoder(m);
            int refSlot = refCache.acquire();
            int slot = cache.acquire();
            double sum = 0;
            int[] feed = prompt;
            for (int token : completion) {
                double[] p = logSoftmax(decoder.step(reference, refCache, new int[] {refSlot}, new int[][] {feed}, Instrumentation.OFF)[0]);
                double[] q = logSoftmax(decoder.step(model, cache, new int[] {slot}, new int[][] {feed}, Instrumentation.OFF)[0]);
                for (int v = 0; v < p.length; v++) {
                    sum += Math.exp(p[v]) * (p[v] - q[v]);
                }
                feed = new int[] {token};
            }
            return sum / completion.length;
        }
    }

    private static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        for (float l : logits) {
            sum += Math.exp(l - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int v = 0; v < out.length; v++) {
            out[v] = logits[v] - log;
        }
        return out;
    }

    /** The first record of {@code topic} (from its start) whose value {@code wanted} matches. */
    private static String first(String bootstrap, String topic, Predicate<String> wanted) {
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, topic)) {
            long deadline = System.nanoTime() + Http.WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(200))) {
                    if (wanted.test(r.value())) {
                        return r.value();
                    }
                }
            }
        }
        throw new AssertionError("no matching record on " + topic + " within " + Http.WAIT);
    }

    /** Stats sketches from the topic's start until they hold {@code tokens} sampled tokens between them. */
    private static List<StatsSketch> sketchesCovering(String bootstrap, long tokens) {
        List<StatsSketch> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap, Topics.STATS.topic())) {
            long deadline = System.nanoTime() + Http.WAIT.toNanos();
            while (out.stream().mapToLong(StatsSketch::sampledTokens).sum() < tokens && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(StatsSketch.parse(r.value())));
            }
        }
        assertThat(out.stream().mapToLong(StatsSketch::sampledTokens).sum()).isEqualTo(tokens);
        return out;
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap, String topic) {
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }
}
