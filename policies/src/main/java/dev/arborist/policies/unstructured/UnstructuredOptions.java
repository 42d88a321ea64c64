package dev.arborist.policies.unstructured;

import dev.arborist.policies.PruningTarget;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * The options of the unstructured methods, parsed once from {@link PruningTarget#options()}.
 *
 * @param owl spread the sparsity over layers by their outlier ratio ({@link Owl})
 */
public record UnstructuredOptions(SparsityPattern pattern, boolean owl) {
    public static final String PATTERN = "pattern";
    public static final String OWL = "owl";
    private static final Set<String> KNOWN = Set.of(PATTERN, OWL);

    /** Checks the options against each other and the requested sparsity; messages say how to fix them. */
    public static UnstructuredOptions of(PruningTarget target, String method) {
        for (String key : target.options().keySet()) {
            if (!KNOWN.contains(key)) {
                throw new IllegalArgumentException("method " + method + " has no option '" + key + "' (known: " + KNOWN + ")");
            }
        }
        SparsityPattern pattern = SparsityPattern.parse(target.options().getOrDefault(PATTERN, Unstructured.NAME));
        boolean owl = flag(target.options().getOrDefault(OWL, "false"));
        OptionalDouble fixed = pattern.fixedSparsity();
        if (fixed.isPresent() && Math.abs(fixed.getAsDouble() - target.sparsity()) > 1e-9) {
            throw new IllegalArgumentException("pattern " + pattern + " prunes exactly " + fixed.getAsDouble()
                    + " of every row; use sparsity " + fixed.getAsDouble() + " with it, not " + target.sparsity());
        }
        if (fixed.isPresent() && owl) {
            throw new IllegalArgumentException("OWL varies the sparsity per layer, which pattern " + pattern + " fixes; use one or the other");
        }
        return new UnstructuredOptions(pattern, owl);
    }

    /** For the plan's settings. */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(PATTERN, pattern.toString());
        s.put(OWL, Boolean.toString(owl));
        return s;
    }

    private static boolean flag(String value) {
        return switch (value.strip().toLowerCase()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("option " + OWL + " must be true or false, got '" + value + "'");
        };
    }
}
