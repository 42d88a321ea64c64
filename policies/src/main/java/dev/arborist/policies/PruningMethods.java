package dev.arborist.policies;

import dev.arborist.policies.structured.ExpertPruning;
import dev.arborist.policies.structured.ExpertSkipping;
import dev.arborist.policies.structured.FfnChannelPruning;
import dev.arborist.policies.structured.HeadPruning;
import dev.arborist.policies.structured.LayerPruning;
import dev.arborist.policies.unstructured.LayerwiseMethod;
import java.util.List;
import java.util.function.Supplier;

/** Every pruning method the CLI and the agent can name. Add a method by adding one line. */
public final class PruningMethods {
    private static final List<Supplier<PruningMethod>> ALL = List.of(
            LayerwiseMethod::magnitude,
            LayerwiseMethod::wanda,
            LayerwiseMethod::sparseGpt,
            LayerwiseMethod::gradient,
            FfnChannelPruning::new,
            HeadPruning::new,
            LayerPruning::new,
            ExpertPruning::new,
            ExpertSkipping::new);

    private PruningMethods() {}

    /** @throws IllegalArgumentException naming the known methods when {@code name} is not one */
    public static PruningMethod create(String name) {
        for (Supplier<PruningMethod> factory : ALL) {
            PruningMethod m = factory.get();
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown pruning method '" + name + "' (known: " + String.join(", ", names()) + ")");
    }

    public static List<String> names() {
        return ALL.stream().map(f -> f.get().name()).toList();
    }
}
