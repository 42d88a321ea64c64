package dev.arborist.model.data;

/** The three disjoint parts of the corpus and the file each is written to. */
public enum Split {
    TRAIN("train.txt"),
    /** Small sample that pruning criteria (Wanda, SparseGPT) collect activation statistics on. */
    CALIBRATION("calib.txt"),
    /** Held-out sentences for perplexity; never seen in training or calibration. */
    EVAL("eval.txt");

    private final String fileName;

    Split(String fileName) {
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }
}
