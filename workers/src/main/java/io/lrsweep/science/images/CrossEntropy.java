package io.lrsweep.science.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Softmax cross-entropy of logits against integer labels, and the count of correct predictions. */
final class CrossEntropy {
    private CrossEntropy() {
    }

    /** Mean over the batch of −log softmax(logits)[label], a 0-d array. */
    static NDArray mean(NDArray logits, NDArray labels) {
        NDArray logProbabilities = logits.logSoftmax(1);
        NDArray picked = logProbabilities.mul(labels.oneHot((int) logits.getShape().get(1), DataType.FLOAT32))
                .sum(new int[] {1});
        return picked.mean().neg();
    }

    /** Number of samples whose arg-max logit is the label, a 0-d int64 array. */
    static NDArray correct(NDArray logits, NDArray labels) {
        return logits.argMax(1).eq(labels).toType(DataType.INT64, false).sum();
    }
}
