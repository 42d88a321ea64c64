package dev.arborist.cli;

import dev.arborist.policies.PruningProgress;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Shows the layers a pruning method has finished as a progress bar on stderr. */
final class PruneProgress implements PruningProgress, AutoCloseable {
    private final String task;
    private ProgressBar bar; // created on the first report, when the total is known

    PruneProgress(String task) {
        this.task = task;
    }

    @Override
    public void layersDone(int done, int total) {
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" layers", 1)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build();
        }
        bar.maxHint(total);
        bar.stepTo(done);
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
