package io.lrsweep.science.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import io.lrsweep.science.Evaluation;

/** Loss, accuracy and BN recomputation of an image network over a whole data set, batch by batch. */
public final class ImageEvaluation {
    private ImageEvaluation() {
    }

    /** Mean cross-entropy and accuracy; {@code mode} EVAL uses running statistics, BATCH the batch's own. */
    public static Evaluation evaluate(Network net, TensorData data, BnMode mode, int batchSize) {
        if (mode == BnMode.TRAIN || mode == BnMode.COLLECT) {
            throw new IllegalArgumentException("evaluation must not change BN statistics: use EVAL or BATCH");
        }
        Torch.gradientsOff();
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < data.count(); from += batchSize) {
            int to = Math.min(data.count(), from + batchSize);
            try (NDScope scope = new NDScope()) {
                NDArray[] b = data.slice(from, to);
                NDArray logits = net.forward(b[0], mode);
                lossSum += CrossEntropy.mean(logits, b[1]).getFloat() * (double) (to - from);
                correct += CrossEntropy.correct(logits, b[1]).getLong();
                scope.suppressNotUsedWarning();
            }
        }
        return new Evaluation(lossSum / data.count(), (double) correct / data.count());
    }

    /**
     * Recomputes the BN running statistics as the exact mean and variance of each layer's inputs
     * over one pass of {@code train} in stored order, with batch statistics upstream (PyTorch's
     * reset-then-cumulative-average, without its averaging of per-batch variances).
     */
    public static void recomputeBatchNorm(Network net, TensorData train, int batchSize) {
        Torch.gradientsOff();
        net.startCollecting();
        for (int from = 0; from < train.count(); from += batchSize) {
            int to = Math.min(train.count(), from + batchSize);
            try (NDScope scope = new NDScope()) {
                NDArray[] b = train.slice(from, to);
                net.forward(b[0], BnMode.COLLECT);
                scope.suppressNotUsedWarning();
            }
        }
        net.finishCollecting();
    }
}
