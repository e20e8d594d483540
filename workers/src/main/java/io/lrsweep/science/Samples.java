package io.lrsweep.science;

import java.util.Objects;

/** A labelled data set held as one row-major feature array (no per-sample objects on the hot path). */
public record Samples(int count, int dim, double[] x, int[] y) {
    public Samples {
        Objects.requireNonNull(x, "x");
        Objects.requireNonNull(y, "y");
        if (x.length != (long) count * dim || y.length != count) {
            throw new IllegalArgumentException(
                    "shape mismatch: count=" + count + " dim=" + dim + " x=" + x.length + " y=" + y.length);
        }
    }

    public double feature(int sample, int coordinate) {
        return x[sample * dim + coordinate];
    }
}
