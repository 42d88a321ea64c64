package dev.arborist.cli;

import dev.arborist.policies.plan.AtomicDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A checked prune request: every problem the arguments alone reveal is reported before the model
 * is loaded, so a bad command fails fast and writes nothing.
 *
 * @param pattern null when not given (the method's default)
 * @param eval null for no perplexity measurement
 * @param parent an earlier plan artifact this plan follows, or null
 */
record PruneOptions(Path model, String method, double sparsity, String pattern, boolean owl, Path calib, int calibWindows,
                    int calibLength, Path out, Path eval, Path parent, boolean materialize) {

    PruneOptions {
        if (!(sparsity > 0 && sparsity < 1)) {
            throw new IllegalArgumentException("--sparsity must be in (0, 1), e.g. 0.5 to remove half the weights; got " + sparsity);
        }
        if (calibWindows < 1) {
            throw new IllegalArgumentException("--calib-windows must be at least 1, got " + calibWindows);
        }
        if (calibLength < 2) {
            throw new IllegalArgumentException("--calib-length must be at least 2 tokens, got " + calibLength);
        }
        requireFile(calib, "calibration");
        if (eval != null) {
            requireFile(eval, "evaluation");
        }
        if (parent != null && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("parent plan not found: " + parent + " is not a directory");
        }
        AtomicDirectory.requireAbsentOrEmpty(out);
    }

    /** What the method is asked for beyond the sparsity: only what the user set, so each method sees only its options. */
    Map<String, String> methodOptions() {
        Map<String, String> o = new LinkedHashMap<>();
        if (pattern != null) {
            o.put("pattern", pattern);
        }
        if (owl) {
            o.put("owl", "true");
        }
        return o;
    }

    private static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(what + " file not found: " + file);
        }
    }
}
