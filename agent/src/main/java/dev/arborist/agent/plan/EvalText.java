package dev.arborist.agent.plan;

/**
 * The evaluation text split in two: the ladder search chooses levels on one part, the verifier
 * measures the chosen rungs on the other, so the check before publishing is held out from the
 * choice it checks. The parts take alternate windows of the text, not its two halves: a text's
 * halves may differ in kind, and a rung chosen at the edge of its budget on one half then fails on
 * the other for that reason alone (with halves, the bundled model's +15% rung measured x1.20-1.24
 * on the second half after x1.15 on the first, even on 32 windows). A text too short for two
 * windows per part is used for both (and the check is then only a re-measurement).
 *
 * @param search tokens the ladder builder may look at
 * @param heldOut tokens only the verifier reads
 */
public record EvalText(int[] search, int[] heldOut) {

    public static EvalText split(int[] tokens, int window) {
        if (tokens.length < 4 * (window + 1)) {
            return new EvalText(tokens, tokens);
        }
        int windows = tokens.length / window;
        int[] search = new int[(windows + 1) / 2 * window];
        int[] heldOut = new int[windows / 2 * window];
        for (int w = 0; w < windows; w++) {
            System.arraycopy(tokens, w * window, w % 2 == 0 ? search : heldOut, w / 2 * window, window);
        }
        return new EvalText(search, heldOut);
    }

    public boolean heldOutIsSeparate() {
        return search != heldOut;
    }
}
