package io.lrsweep.science;

import java.util.Arrays;

/**
 * Everything needed to continue a training run bit-for-bit: iteration count, weights, the
 * per-epoch curve so far and the partial sums of the epoch in progress. Data order is derived from
 * (seed, epoch), so no generator state is needed.
 */
public record TrainingState(long iteration, Weights weights, double[] epochLoss, double[] epochAccuracy,
                            double partialLossSum, long partialCorrect, long partialSamples) {

    public static TrainingState start(Weights weights) {
        return new TrainingState(0, weights.copy(), new double[0], new double[0], 0, 0, 0);
    }

    /** Smallest epoch-mean training loss so far (+∞ before the first epoch ends). */
    public double minEpochLoss() {
        return Arrays.stream(epochLoss).min().orElse(Double.POSITIVE_INFINITY);
    }

    public TrainingState copy() {
        return new TrainingState(iteration, weights.copy(), epochLoss.clone(), epochAccuracy.clone(),
                partialLossSum, partialCorrect, partialSamples);
    }

    public boolean sameAs(TrainingState o) {
        return iteration == o.iteration && weights.sameAs(o.weights)
                && Arrays.equals(epochLoss, o.epochLoss) && Arrays.equals(epochAccuracy, o.epochAccuracy)
                && Double.compare(partialLossSum, o.partialLossSum) == 0
                && partialCorrect == o.partialCorrect && partialSamples == o.partialSamples;
    }
}
