package dev.arborist.model.train;

/** Receives training progress; the CLI shows it as a progress bar, tests record it. */
public interface TrainListener {

    /** @param loss mean next-token loss of this step's batch (without the auxiliary loss) */
    void onStep(int step, double loss, double learningRate, double tokensPerSecond);

    void onValidation(int step, double perplexity);

    void onCheckpoint(int step);

    TrainListener SILENT = new TrainListener() {
        @Override
        public void onStep(int step, double loss, double learningRate, double tokensPerSecond) {}

        @Override
        public void onValidation(int step, double perplexity) {}

        @Override
        public void onCheckpoint(int step) {}
    };
}
