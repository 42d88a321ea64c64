package dev.arborist.model.runtime;

import ai.djl.ndarray.NDManager;

/** The one place that starts DJL: offline (no cloud metadata probes), PyTorch on the CPU. */
public final class Engines {
    private Engines() {}

    static {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.default_engine", "PyTorch");
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
    }

    /** A new root manager; closing it frees every array created under it. */
    public static NDManager newManager() {
        return NDManager.newBaseManager();
    }
}
