package dev.arborist.policies;

/** Receives progress of long pruning work (the CLI shows a progress bar of layers done). */
@FunctionalInterface
public interface PruningProgress {
    PruningProgress NONE = (done, total) -> {};

    void layersDone(int done, int total);
}
