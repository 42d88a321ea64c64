package dev.arborist.agent.plan;

import java.util.Arrays;

/**
 * The evaluation text split in two: the ladder search chooses levels on the first half, the
 * verifier measures the chosen rungs on the second, so the check before publishing is held out
 * from the choice it checks. A text too short for two windows per half is used for both (and the
 * check is then only a re-measurement).
 *
 * @param search tokens the ladder builder may look at
 * @param heldOut tokens only the verifier reads
 */
public record EvalText(int[] search, int[] heldOut) {

    public static EvalText split(int[] tokens, int window) {
        if (tokens.length < 4 * (window + 1)) {
            return new EvalText(tokens, tokens);
        }
        int half = tokens.length / 2;
        return new EvalText(Arrays.copyOfRange(tokens, 0, half), Arrays.copyOfRange(tokens, half, tokens.length));
    }

    public boolean heldOutIsSeparate() {
        return search != heldOut;
    }
}
