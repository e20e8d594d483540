package io.lrsweep.science;

import java.util.Arrays;

/**
 * Stochastic weight averaging: the uniform mean of checkpoints added one at a time, so memory does
 * not grow with their number. The fixed head must be the same in every checkpoint.
 */
public final class WeightAverage {
    private double[] siSum;
    private double[] head;
    private int count;

    public void add(Weights w) {
        if (siSum == null) {
            siSum = new double[w.si().length];
            head = w.head().clone();
        } else if (w.si().length != siSum.length) {
            throw new IllegalArgumentException("checkpoints differ in size: " + w.si().length + " vs " + siSum.length);
        } else if (!Arrays.equals(head, w.head())) {
            throw new IllegalArgumentException("checkpoints differ in their fixed head: not one training run");
        }
        double[] si = w.si();
        for (int i = 0; i < si.length; i++) {
            siSum[i] += si[i];
        }
        count++;
    }

    public int count() {
        return count;
    }

    /** The mean of the added checkpoints (not re-projected: the SI network does not see the scale). */
    public Weights result() {
        if (count == 0) {
            throw new IllegalStateException("no checkpoint was added");
        }
        double[] mean = siSum.clone();
        Vectors.scale(mean, 1.0 / count);
        return new Weights(mean, head.clone());
    }
}
