package dev.arborist.model.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.arborist.model.nn.ForwardContext;
import dev.arborist.model.nn.Transformer;

/** Cross-entropy of next-token prediction over windows of a token stream. */
public final class NextTokenLoss {
    private NextTokenLoss() {}

    /**
     * @param windows (B, T+1) token ids; position t predicts t+1
     * @return (B, T) negative log-likelihood per predicted token
     */
    public static NDArray perToken(Transformer model, NDArray windows, ForwardContext ctx) {
        long t = windows.getShape().get(1) - 1;
        NDArray inputs = windows.get(new NDIndex(":, :{}", t));
        NDArray targets = windows.get(new NDIndex(":, 1:"));
        NDArray logProbs = model.logits(model.hidden(inputs, ctx)).logSoftmax(-1); // (B, T, V)
        return logProbs.gather(targets.expandDims(-1), -1).squeeze(-1).neg();
    }

    /** Copies {@code count} windows of {@code length}+1 tokens starting at the given offsets. */
    public static NDArray windows(NDManager manager, int[] tokens, int[] starts, int length) {
        long[] data = new long[starts.length * (length + 1)];
        for (int b = 0; b < starts.length; b++) {
            for (int i = 0; i <= length; i++) {
                data[b * (length + 1) + i] = tokens[starts[b] + i];
            }
        }
        return manager.create(data, new Shape(starts.length, length + 1));
    }
}
