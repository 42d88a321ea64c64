package dev.arborist.serving;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.gen.BatchDecoder;
import dev.arborist.model.gen.FinishReason;
import dev.arborist.model.gen.Sampler;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.nn.ElasticModel;
import dev.arborist.model.nn.KvCache;
import dev.arborist.model.nn.Level;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.elastic.ElasticArtifact;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A base-rung move while a sequence is decoding, on the scheduler itself: the move is made from the
 * sequence's own sampler right after its {@value #MOVE_AFTER}th token, so the step it lands
 * between is known exactly, and the tokens can be checked against decoding the same prompt by hand.
 */
@Timeout(120)
class RungSwitchTest {
    private static final int MOVE_AFTER = 5;
    private static final int TOKENS = 16;

    @TempDir
    static Path dir;

    @Test
    @DisplayName("moving the base rung between decode steps of a streaming sequence: it completes, steps before run the old level, steps after the new one")
    void moveBetweenSteps() throws Exception {
        Path model = ElasticFixtures.model(dir);
        Path plan = dir.resolve("elastic");
        String planId;
        try (LanguageModel base = LanguageModel.load(model)) {
            planId = ElasticFixtures.write(base, plan).id();
        }
        List<RequestRecord> records = new CopyOnWriteArrayList<>();
        try (ServingMetrics metrics = new ServingMetrics()) {
            RequestListener both = r -> {
                metrics.onCompleted(r);
                records.add(r);
            };
            Scheduler scheduler = new Scheduler(() -> LoadedModel.load("tiny", model), 4, 8, metrics, both);
            scheduler.start();
            try (PlanLoader loader = new PlanLoader(scheduler, metrics)) {
                LoadedModel served = scheduler.ready().get(60, TimeUnit.SECONDS);
                loader.load(plan, null, 1).get(60, TimeUnit.SECONDS);
                RungControl rungs = new RungControl(scheduler, metrics);
                int[] prompt = served.tokenizer().encode("the model keeps most weights while pruning");
                MovingSampler sampler = new MovingSampler(() -> rungs.moveBaseRung(planId, 2));
                CollectingSink sink = new CollectingSink();
                assertThat(scheduler.submit(new Sequence("move", prompt, TOKENS, -1, sampler, sink, null))).isTrue();

                assertThat(sink.finished.get(60, TimeUnit.SECONDS)).isEqualTo(FinishReason.LENGTH);
                assertThat(sink.text).isNotEmpty();
                List<Integer> rung1Then2 = decodeByHand(model, plan, prompt, ElasticFixtures.RUNG_1, ElasticFixtures.RUNG_2);
                assertThat(sampler.tokens).containsExactlyElementsOf(rung1Then2);
                assertThat(sampler.tokens).as("the move changed the continuation")
                        .isNotEqualTo(decodeByHand(model, plan, prompt, ElasticFixtures.RUNG_1, ElasticFixtures.RUNG_1));
                assertThat(records).singleElement().satisfies(r -> {
                    assertThat(r.planId()).isEqualTo(planId);
                    assertThat(r.rung()).isEqualTo(2);
                    assertThat(r.level()).isEqualTo(ElasticFixtures.RUNG_2);
                });
                assertThat(metrics.scrape()).contains("arborist_rung_changes_total 1.0", "arborist_model_rung 2.0",
                        "arborist_swaps_total{result=\"ok\"} 1.0", "arborist_level_requests_total{rung=\"2\"} 1.0");
            } finally {
                scheduler.drain(Duration.ofSeconds(5)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Greedy decoding of the permuted model: the first {@value #MOVE_AFTER} forwards at {@code before}, the rest at {@code after}. */
    private static List<Integer> decodeByHand(Path model, Path plan, int[] prompt, Level before, Level after) {
        try (LanguageModel base = LanguageModel.load(model); NDManager m = base.manager().newSubManager();
                ElasticModel elastic = ElasticArtifact.read(plan, base).plan().apply(base, m);
                KvCache cache = elastic.full().newCache(m, 1, TinyModel.CONTEXT)) {
            BatchDecoder decoder = new BatchDecoder(m);
            Sampler greedy = Sampler.of(0, 1, 0);
            int slot = cache.acquire();
            List<Integer> tokens = new ArrayList<>();
            int[] feed = prompt;
            for (int step = 1; step <= TOKENS; step++) {
                Level level = step <= MOVE_AFTER ? before : after;
                float[][] logits = decoder.step(elastic.at(level), cache, new int[] {slot}, new int[][] {feed}, Instrumentation.OFF);
                int token = greedy.sample(logits[0]);
                tokens.add(token);
                feed = new int[] {token};
            }
            return tokens;
        }
    }

    /** Greedy; runs {@code move} (on the model thread) once it has picked its {@value #MOVE_AFTER}th token. */
    private static final class MovingSampler implements Sampler {
        private final Sampler greedy = Sampler.of(0, 1, 0);
        private final Runnable move;
        final List<Integer> tokens = new CopyOnWriteArrayList<>();

        MovingSampler(Runnable move) {
            this.move = move;
        }

        @Override
        public int sample(float[] logits) {
            int token = greedy.sample(logits);
            tokens.add(token);
            if (tokens.size() == MOVE_AFTER) {
                move.run();
            }
            return token;
        }
    }

    /** What a streaming response would send, collected. */
    private static final class CollectingSink implements TokenSink {
        final StringBuffer text = new StringBuffer();
        final CompletableFuture<FinishReason> finished = new CompletableFuture<>();

        @Override
        public void onText(String delta) {
            text.append(delta);
        }

        @Override
        public void onFinish(FinishReason reason, Usage usage) {
            finished.complete(reason);
        }

        @Override
        public void onError(ApiError error) {
            finished.completeExceptionally(error);
        }
    }
}
