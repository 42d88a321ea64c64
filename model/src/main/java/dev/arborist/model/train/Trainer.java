package dev.arborist.model.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import dev.arborist.model.config.ModelConfig;
import dev.arborist.model.eval.NextTokenLoss;
import dev.arborist.model.eval.Perplexity;
import dev.arborist.model.nn.CausalContext;
import dev.arborist.model.nn.ForwardContext;
import dev.arborist.model.nn.ModelWeights;
import dev.arborist.model.nn.Transformer;
import dev.arborist.model.nn.WeightExport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains a transformer with next-token cross-entropy (+ the MoE load-balancing loss) using AdamW,
 * warm-up + cosine learning rate and global-norm gradient clipping. The batch of step s depends
 * only on (seed, s), so a run resumed from a checkpoint sees exactly the data it would have seen.
 */
public final class Trainer {
    private final ModelConfig config;
    private final TrainConfig train;
    private final int[] trainTokens;
    private final int[] validationTokens;
    private final Path checkpointDir;
    private final TrainListener listener;

    public Trainer(ModelConfig config, TrainConfig train, int[] trainTokens, int[] validationTokens,
                   Path checkpointDir, TrainListener listener) {
        if (trainTokens.length <= train.sequenceLength() + 1) {
            throw new IllegalArgumentException("training text has " + trainTokens.length + " tokens, fewer than one sequence");
        }
        this.config = config;
        this.train = train;
        this.trainTokens = trainTokens;
        this.validationTokens = validationTokens;
        this.checkpointDir = checkpointDir;
        this.listener = listener;
    }

    /** Trains {@code weights} in place (resuming from the checkpoint directory if it holds one). */
    public void run(ModelWeights weights, NDManager manager) throws IOException {
        Map<String, NDArray> named = WeightExport.named(config, weights);
        List<NDArray> params = new ArrayList<>(named.values());
        List<Boolean> decay = new ArrayList<>();
        for (NDArray p : params) {
            p.setRequiresGradient(true);
            decay.add(p.getShape().dimension() >= 2);
        }
        AdamW optimizer = new AdamW(manager, params, decay, train.weightDecay());
        int start = Checkpoint.exists(checkpointDir) ? Checkpoint.restore(checkpointDir, named, optimizer) : 0;
        Transformer model = new Transformer(config, weights, manager);
        NDArray auxWeight = manager.create((float) train.auxLossWeight());
        for (int step = start; step < train.steps(); step++) {
            long began = System.nanoTime();
            double loss = step(model, params, optimizer, auxWeight, step, manager);
            double seconds = (System.nanoTime() - began) / 1e9;
            listener.onStep(step + 1, loss, train.learningRateAt(step), train.batchSize() * train.sequenceLength() / seconds);
            boolean last = step + 1 == train.steps();
            if (checkpointDir != null && ((step + 1) % train.checkpointEvery() == 0 || last)) {
                Checkpoint.save(checkpointDir, step + 1, named, optimizer);
                listener.onCheckpoint(step + 1);
            }
            if (validationTokens != null && ((step + 1) % train.evalEvery() == 0 || last)) {
                listener.onValidation(step + 1, validate(model));
            }
        }
        for (NDArray p : params) {
            p.setRequiresGradient(false);
        }
    }

    private double step(Transformer model, List<NDArray> params, AdamW optimizer, NDArray auxWeight, int step, NDManager manager) {
        try (NDManager scratch = manager.newSubManager(); NDScope scope = new NDScope()) {
            NDArray batch = NextTokenLoss.windows(scratch, trainTokens, batchStarts(step), train.sequenceLength());
            double lossValue;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                ForwardContext ctx = new CausalContext(scratch, train.sequenceLength()).collectAuxLosses();
                NDArray loss = NextTokenLoss.perToken(model, batch, ctx).mean();
                lossValue = loss.getFloat();
                NDArray total = loss;
                for (NDArray aux : ctx.auxLosses()) {
                    total = total.add(aux.mul(auxWeight));
                }
                collector.backward(total);
            }
            optimizer.step(train.learningRateAt(step), clipScale(params));
            for (NDArray p : params) {
                NDArray g = p.getGradient();
                g.subi(g);
            }
            return lossValue;
        }
    }

    /** Factor that brings the global gradient norm down to the clip limit (Pascanu et al. 2013). */
    private double clipScale(List<NDArray> params) {
        double squares = 0;
        for (NDArray p : params) {
            squares += p.getGradient().square().sum().getFloat();
        }
        double norm = Math.sqrt(squares);
        return norm > train.gradClip() ? train.gradClip() / norm : 1.0;
    }

    private int[] batchStarts(int step) {
        SplittableRandom random = new SplittableRandom(train.seed() * 1_000_003L + step);
        int[] starts = new int[train.batchSize()];
        int bound = trainTokens.length - train.sequenceLength() - 1;
        for (int b = 0; b < starts.length; b++) {
            starts[b] = random.nextInt(bound);
        }
        return starts;
    }

    private double validate(Transformer model) {
        return Perplexity.evaluate(model, validationTokens, train.sequenceLength(), 8, 32).perplexity();
    }
}
