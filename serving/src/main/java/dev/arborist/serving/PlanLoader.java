package dev.arborist.serving;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.gen.BatchDecoder;
import dev.arborist.model.instrument.Instrumentation;
import dev.arborist.model.nn.KvCache;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.runtime.LanguageModel;
import dev.arborist.policies.plan.PlanArtifact;
import dev.arborist.policies.plan.PlanFormatException;
import dev.arborist.policies.plan.PlanManifest;
import dev.arborist.policies.plan.WeightEditor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads plan artifacts on a thread of its own, so neither the event loop nor decoding waits:
 * read and verify (sha256 of every file, base-model fingerprint), apply materialised (structured
 * plans then run faster), warm up with one short forward, then switch the scheduler over. One load
 * at a time; a plan that fails any step is rejected and serving stays where it was. An elastic
 * plan (its artifact has a ladder) is read, permuted and warmed up at every rung by
 * {@link ElasticVersions} instead.
 */
final class PlanLoader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlanLoader.class);

    private final Scheduler scheduler;
    private final ServingMetrics metrics;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "arborist-plan-loader"));

    PlanLoader(Scheduler scheduler, ServingMetrics metrics) {
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    /** @return completes with the version now served, or fails with an {@link ApiError} saying why the plan was rejected */
    CompletableFuture<ModelVersion> load(Path dir) {
        return load(dir, null);
    }

    /**
     * Like {@link #load(Path)}, and the artifact must also be the one an update event announced.
     *
     * @param expected the plan id, plan.safetensors sha256 and base fingerprint the announcement named; null checks none
     */
    CompletableFuture<ModelVersion> load(Path dir, Expected expected) {
        return load(dir, expected, 0);
    }

    /**
     * Like {@link #load(Path, Expected)}; an elastic plan starts at {@code baseRung} (a plain plan has no ladder and ignores it).
     *
     * @param baseRung the rung an elastic plan's requests run at unless its policy table says sparser
     */
    CompletableFuture<ModelVersion> load(Path dir, Expected expected, int baseRung) {
        if (!accepting()) {
            return CompletableFuture.failedFuture(ApiError.unavailable("serving is shutting down; no plan is loaded"));
        }
        return CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                ModelVersion version = prepare(dir, expected, baseRung);
                versions().switchTo(version);
                metrics.swapped(System.nanoTime() - start, version);
                LOG.info("now serving plan {} (sparsity {}) from {}", version.id(), version.sparsity(), dir);
                return version;
            } catch (RuntimeException e) { // whatever goes wrong, the plan is rejected, counted and explained
                ApiError rejected = e instanceof ApiError api ? api : ApiError.planRejected("plan " + dir + " cannot be loaded: " + e);
                metrics.swapRejected();
                LOG.warn("plan {} rejected: {}", dir, rejected.getMessage());
                throw rejected;
            }
        }, executor);
    }

    /** Switches back to the previous version at once (it is still resident). */
    ModelVersion rollback() {
        long start = System.nanoTime();
        ModelVersion back = versions().rollback();
        if (back == null) {
            throw ApiError.conflict("there is no previous version to roll back to");
        }
        metrics.swapped(System.nanoTime() - start, back);
        LOG.info("rolled back to {}", back.id());
        return back;
    }

    private ModelVersions versions() {
        ModelVersions versions = scheduler.versions();
        if (versions == null) {
            throw ApiError.unavailable("the model is not loaded yet");
        }
        return versions;
    }

    private ModelVersion prepare(Path dir, Expected expected, int baseRung) {
        LoadedModel served = scheduler.model();
        if (served == null) {
            throw ApiError.unavailable("the model is not loaded yet");
        }
        if (!Files.isDirectory(dir)) {
            throw ApiError.notFound("no plan artifact directory at " + dir, "path");
        }
        if (ElasticVersions.isElastic(dir)) {
            return ElasticVersions.prepare(dir, expected, baseRung, served, scheduler);
        }
        LanguageModel base = served.model();
        PlanArtifact artifact;
        try {
            artifact = PlanArtifact.read(dir, base);
        } catch (PlanFormatException e) {
            throw ApiError.planRejected(e.getMessage());
        }
        if (expected != null) {
            expected.check(artifact);
        }
        NDManager weights = base.manager().newSubManager();
        try {
            WeightEditor.Result pruned = artifact.plan().applyMaterialized(base.config(), base.transformer().weights(), weights);
            Transformer transformer = base.transformer().withWeights(pruned.weights());
            warmUp(transformer, weights, served);
            KvCache cache = scheduler.newCache(transformer, weights, served.contextLength());
            return new ModelVersion(artifact.id(), transformer, cache, artifact.manifest().sparsity().overall(), weights);
        } catch (RuntimeException e) {
            weights.close();
            throw e instanceof ApiError api ? api : ApiError.planRejected("plan " + artifact.id() + " cannot be applied: " + e.getMessage());
        }
    }

    /** One short forward on a one-slot cache: the plan must run and give finite logits before it serves. */
    static void warmUp(Transformer transformer, NDManager manager, LoadedModel served) {
        try (KvCache cache = transformer.newCache(manager, 1, 8)) {
            int slot = cache.acquire();
            float[][] logits = new BatchDecoder(manager).step(transformer, cache, new int[] {slot},
                    new int[][] {{served.tokenizer().eosId()}}, Instrumentation.OFF);
            for (float v : logits[0]) {
                if (!Float.isFinite(v)) {
                    throw ApiError.planRejected("the pruned model gives non-finite logits in warm-up");
                }
            }
        }
    }

    /** What a model-update event says the artifact is; a mismatch rejects the plan. */
    record Expected(String planId, String planSha256, String baseSha256) {
        void check(PlanArtifact artifact) {
            check(artifact.manifest());
        }

        void check(PlanManifest manifest) {
            mustEqual("plan id", planId, manifest.planId());
            mustEqual("sha256 of " + PlanArtifact.PLAN_FILE, planSha256, manifest.files().get(PlanArtifact.PLAN_FILE));
            mustEqual("base model fingerprint", baseSha256, manifest.baseModel());
        }

        private static void mustEqual(String what, String announced, String actual) {
            if (!announced.equals(actual)) {
                throw ApiError.planRejected("the update announced " + what + " " + announced + ", the artifact has " + actual);
            }
        }
    }

    /** False once {@link #stop} was called. */
    boolean accepting() {
        return !executor.isShutdown();
    }

    /**
     * Takes no new loads and completes once a load in progress has finished. A load is never cut
     * short: interrupted half way it would read as a rejected plan, and its arrays hang off the
     * base model that shutdown frees next.
     */
    CompletableFuture<Void> stop() {
        executor.shutdown();
        return CompletableFuture.runAsync(() -> {
            try {
                executor.awaitTermination(10, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, runnable -> new Thread(runnable, "arborist-plan-loader-stop").start());
    }

    @Override
    public void close() {
        stop().join();
    }
}
