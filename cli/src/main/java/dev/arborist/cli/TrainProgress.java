package dev.arborist.cli;

import dev.arborist.model.train.TrainListener;
import java.util.LinkedHashMap;
import java.util.Map;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Shows training as a progress bar with loss, learning rate and tokens/s. */
final class TrainProgress implements TrainListener, AutoCloseable {
    private final ProgressBar bar;
    private final Map<Integer, Double> validation = new LinkedHashMap<>();
    private double smoothedLoss = Double.NaN;
    private double lastPerplexity = Double.NaN;

    TrainProgress(int steps) {
        this.bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000)
                .setMaxRenderedLength(140) // room for loss, learning rate, tokens/s and validation perplexity
                .build();
    }

    void log(String message) {
        System.err.println(message);
    }

    @Override
    public void onStep(int step, double loss, double learningRate, double tokensPerSecond) {
        smoothedLoss = Double.isNaN(smoothedLoss) ? loss : 0.95 * smoothedLoss + 0.05 * loss;
        bar.stepTo(step);
        bar.setExtraMessage(String.format(" loss %.3f lr %.1e %.0f tok/s val ppl %.1f", smoothedLoss, learningRate, tokensPerSecond, lastPerplexity));
    }

    @Override
    public void onValidation(int step, double perplexity) {
        lastPerplexity = perplexity;
        validation.put(step, perplexity);
    }

    @Override
    public void onCheckpoint(int step) {}

    Map<Integer, Double> validationHistory() {
        return validation;
    }

    @Override
    public void close() {
        bar.close();
    }
}
