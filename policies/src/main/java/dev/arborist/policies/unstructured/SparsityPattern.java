package dev.arborist.policies.unstructured;

import dev.arborist.policies.plan.Mask;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of the zeros a method may produce: any weights, N of every M consecutive input weights
 * of a row (2:4, 4:8), or whole rows x cols blocks (1x16).
 */
public sealed interface SparsityPattern permits Unstructured, NofM, Block {
    Pattern N_OF_M = Pattern.compile("(\\d+):(\\d+)");
    Pattern BLOCK = Pattern.compile("(\\d+)x(\\d+)");

    /** Parses "unstructured", "N:M" or "RxC"; the error says what is accepted. */
    static SparsityPattern parse(String text) {
        String t = text.strip().toLowerCase();
        if (t.equals(Unstructured.NAME)) {
            return new Unstructured();
        }
        Matcher nm = N_OF_M.matcher(t);
        if (nm.matches()) {
            return new NofM(Integer.parseInt(nm.group(1)), Integer.parseInt(nm.group(2)));
        }
        Matcher block = BLOCK.matcher(t);
        if (block.matches()) {
            return new Block(Integer.parseInt(block.group(1)), Integer.parseInt(block.group(2)));
        }
        throw new IllegalArgumentException("unknown sparsity pattern '" + text
                + "': use unstructured, N:M (e.g. 2:4: 2 zeros in every 4 weights) or RxC blocks (e.g. 1x16)");
    }

    /** Throws when the pattern cannot tile a (rows, cols) weight; the message names the tensor. */
    void requireFits(String tensor, int rows, int cols);

    /** The sparsity the pattern itself dictates (N:M: N/M), if any. */
    OptionalDouble fixedSparsity();

    /** Columns that must be decided together: every column block a method works on is a multiple of it. */
    int columnGranularity();

    /**
     * How many of {@code available} columns one mask choice spans when masks are chosen left to
     * right (SparseGPT's adaptive selection): one N:M group, or everything for the other patterns.
     */
    int maskWindow(int available);

    /** Picks the weights to prune: the lowest scores, compared as {@code comparison} says. */
    Mask select(Scores scores, double sparsity, Comparison comparison);
}
