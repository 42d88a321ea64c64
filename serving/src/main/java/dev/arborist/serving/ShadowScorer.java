package dev.arborist.serving;

import ai.djl.ndarray.NDManager;
import dev.arborist.model.eval.ContinuationScore;
import dev.arborist.model.nn.Transformer;
import java.util.List;

/**
 * The shadow comparison of issue 5: how each rung of the ladder sees a finished request's generated
 * continuation, the dense model included ({@link ContinuationScore}): the log-likelihood of its tokens,
 * and the divergence from dense at its positions. The divergence (nats per token) is what that rung
 * would cost this input, whichever rung the request ran at, so the agent learns which inputs tolerate which rung without sending any request to a
 * rung it might not tolerate. Runs on the model thread after the request finished, for the sampled
 * requests only: one forward per rung.
 */
final class ShadowScorer {
    private final NDManager manager;

    ShadowScorer(NDManager manager) {
        this.manager = manager;
    }

    /**
     * @param rungs the version's ladder as models, index = rung (0: the full model)
     * @param ranAt the rung the request ran at
     * @param completion at least one token
     */
    RequestRecord.Shadow score(List<Transformer> rungs, int ranAt, int[] prompt, int[] completion) {
        if (ranAt < 0 || ranAt >= rungs.size()) {
            throw new IllegalArgumentException("rung " + ranAt + " is not on a ladder of " + rungs.size() + " rungs");
        }
        ContinuationScore.Profile profile = ContinuationScore.profile(rungs, prompt, completion, manager);
        return new RequestRecord.Shadow(completion.length, ranAt, profile.logLikelihoods(), profile.divergences());
    }
}
