package io.lrsweep.setup;

import io.lrsweep.science.Sharpness;
import io.lrsweep.study.BranchResults;

/**
 * An open session of measurements on one branch's data: the accuracies and features of points,
 * and the angle and error barriers between two points. Closing it frees what it holds.
 */
public interface Measurements<P> extends AutoCloseable {
    /** Train and test accuracy and loss, and the feature results, of {@code point}. */
    BranchResults.Point point(String name, Double flr, Integer k, P point);

    /** Angle and linear-interpolation barriers between {@code a} and {@code b}, with the curves along the segment. */
    BranchResults.Geometry pair(String pair, P a, P b);

    /** Hessian trace, normalised trace and top eigenvalue at {@code point}; null where the setup computes none. */
    Sharpness.Estimate sharpness(P point, long seed);

    /** {@code log10(‖W[i]‖ / rho)} of every output filter or neuron of the SI tensors of {@code point}. */
    double[] filterNorms(P point);

    @Override
    void close();
}
