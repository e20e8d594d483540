package io.lrsweep.science;

import java.util.Arrays;

/** How many of the redundant features a model uses, from its single-feature test accuracies. */
public final class FeatureSparsity {
    private static final double CHANCE = 0.5;

    private FeatureSparsity() {
    }

    /** The accuracies sorted in decreasing order. */
    public static double[] sortedDescending(double[] accuracies) {
        double[] sorted = accuracies.clone();
        Arrays.sort(sorted);
        for (int i = 0, j = sorted.length - 1; i < j; i++, j--) {
            double t = sorted[i];
            sorted[i] = sorted[j];
            sorted[j] = t;
        }
        return sorted;
    }

    /**
     * (max_k a_k − 0.5) / Σ_k max(a_k − 0.5, 0): 1 when one feature carries everything, 1/16 when all
     * 16 are learned equally, 0 when none is learned above chance.
     */
    public static double concentration(double[] accuracies) {
        double max = Double.NEGATIVE_INFINITY;
        double total = 0;
        for (double a : accuracies) {
            max = Math.max(max, a);
            total += Math.max(a - CHANCE, 0);
        }
        return total > 0 ? (max - CHANCE) / total : 0.0;
    }
}
