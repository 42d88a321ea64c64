package dev.arborist.serving;

import dev.arborist.model.gen.FinishReason;
import dev.arborist.model.gen.Sampler;
import dev.arborist.model.tokenizer.Detokenizer;
import dev.arborist.policies.control.PolicyTable;
import java.util.Arrays;

/**
 * One request inside the scheduler: its prompt, sampling state, KV-cache slot and timings. Only
 * the model thread touches it, except {@link #cancel()}, which any thread may call.
 */
final class Sequence {
    final String id;
    final int[] prompt;
    private final int maxTokens;
    private final int eosId;
    private final Sampler sampler;
    private final TokenSink sink;
    private final String sloClass; // null when the request named none
    private final long submittedNanos = System.nanoTime();
    private volatile boolean cancelled;
    private Detokenizer detokenizer;
    private ModelVersion version; // fixed at admission: the sequence finishes on it
    private PolicyTable.Features features; // known from admission on
    private int rung = ModelVersion.NO_RUNG; // the rung of its latest step; may change between steps
    private int slot = -1;
    private int generated;
    private int[] tokens = new int[16]; // the generated ones, for the shadow score
    private int lastToken = -1;
    private long admittedNanos;
    private long firstTokenNanos;
    private long lastTokenNanos;

    /**
     * @param eosId the token that ends the sequence; -1 for none (ignore_eos)
     * @param sloClass the request's SLO class, or null
     */
    Sequence(String id, int[] prompt, int maxTokens, int eosId, Sampler sampler, TokenSink sink, String sloClass) {
        this.id = id;
        this.prompt = prompt;
        this.maxTokens = maxTokens;
        this.eosId = eosId;
        this.sampler = sampler;
        this.sink = sink;
        this.sloClass = sloClass;
    }

    /** Asks the scheduler to drop this sequence at its next step (e.g. the client went away). */
    void cancel() {
        cancelled = true;
    }

    boolean cancelled() {
        return cancelled;
    }

    void admit(ModelVersion newVersion, int newSlot, Detokenizer newDetokenizer, PolicyTable.Features newFeatures) {
        version = newVersion;
        slot = newSlot;
        detokenizer = newDetokenizer;
        features = newFeatures;
        admittedNanos = System.nanoTime();
    }

    /** When the request arrived ({@link System#nanoTime()}): its age is what a surge judges. */
    long submittedNanos() {
        return submittedNanos;
    }

    String sloClass() {
        return sloClass;
    }

    /** Chooses the rung of the coming step from the version's current base rung, table and pin. @return it */
    int chooseRung() {
        rung = version.rungFor(features);
        return rung;
    }

    /** The coming step runs this sequence at {@code rung}: denser than it chose when a step mate asked for more. */
    void ranAt(int rung) {
        this.rung = rung;
    }

    /** The generated tokens so far (the end-of-sequence token is not one of them). */
    int[] completion() {
        return Arrays.copyOf(tokens, generated);
    }

    int slot() {
        return slot;
    }

    ModelVersion version() {
        return version;
    }

    /** The tokens to append this step: the whole prompt first (prefill), then the last sampled token. */
    int[] feed() {
        return lastToken < 0 ? prompt : new int[] {lastToken};
    }

    /**
     * Samples from this row's logits and passes any new text on.
     *
     * @param cacheFull whether the cache slot cannot take another token
     * @return why the sequence finished, or null to keep going
     */
    FinishReason advance(float[] logits, boolean cacheFull, ServingMetrics metrics) {
        int token = sampler.sample(logits);
        long now = System.nanoTime();
        if (token == eosId) {
            return FinishReason.STOP;
        }
        metrics.tokenProduced(generated == 0 ? now - submittedNanos : -1, generated == 0 ? -1 : now - lastTokenNanos, rung);
        if (generated == 0) {
            firstTokenNanos = now;
        }
        lastTokenNanos = now;
        if (generated == tokens.length) {
            tokens = Arrays.copyOf(tokens, generated * 2);
        }
        tokens[generated++] = token;
        lastToken = token;
        String delta = detokenizer.add(token);
        if (!delta.isEmpty()) {
            sink.onText(delta);
        }
        return generated >= maxTokens || cacheFull ? FinishReason.LENGTH : null;
    }

    TokenSink sink() {
        return sink;
    }

    RequestRecord record(String model, RequestRecord.Outcome outcome) {
        long now = System.nanoTime();
        long queued = admittedNanos == 0 ? now - submittedNanos : admittedNanos - submittedNanos;
        long ttft = generated == 0 ? -1 : firstTokenNanos - submittedNanos;
        boolean laddered = version != null && rung != ModelVersion.NO_RUNG;
        return new RequestRecord(id, model, outcome, prompt.length, generated, queued, ttft, now - submittedNanos, sloClass,
                version == null ? null : version.planId(), laddered ? rung : null, laddered ? version.elastic().level(rung) : null,
                laddered ? version.elastic().selector().baseRung() : null, features == null ? null : features.lengthBucket(), features == null ? null : features.signature(), null, null);
    }

    TokenSink.Usage usage() {
        return new TokenSink.Usage(prompt.length, generated);
    }
}
