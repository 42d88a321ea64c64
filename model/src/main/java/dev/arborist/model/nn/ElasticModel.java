package dev.arborist.model.nn;

import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One resident model that runs at any {@link Level}: each level's prefix views are built once, on
 * first use, and kept until close. Switching levels between decode steps is a map lookup; every
 * level shares one {@link KvCache} layout (see {@link Transformer#atLevel}).
 */
public final class ElasticModel implements AutoCloseable {
    private final Transformer full;
    private final NDManager views;
    private final Map<Level, Transformer> levels = new ConcurrentHashMap<>();

    /**
     * @param full the model over its full (importance-ordered) weights
     * @param manager the views live in a sub-manager of it; the weights stay where they are
     */
    public ElasticModel(Transformer full, NDManager manager) {
        this.full = full;
        this.views = manager.newSubManager();
    }

    public Transformer full() {
        return full;
    }

    /** The model at {@code level}; the dense level is the full model itself. */
    public Transformer at(Level level) {
        if (level.isDense(full.config())) {
            return full;
        }
        return levels.computeIfAbsent(level, l -> full.atLevel(l, views));
    }

    /** Frees every level's views; the full weights stay. */
    @Override
    public void close() {
        levels.clear();
        views.close();
    }
}
