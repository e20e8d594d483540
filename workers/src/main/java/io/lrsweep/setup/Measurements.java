package io.lrsweep.setup;

import io.lrsweep.study.BranchResults;

/**
 * An open session of measurements on one branch's data: the accuracies and features of points,
 * and the angle and error barriers between two points. Closing it frees what it holds.
 */
public interface Measurements<P> extends AutoCloseable {
    /** Train and test accuracy and loss, and the feature results, of {@code point}. */
    BranchResults.Point point(String name, Double flr, Integer k, P point);

    /** Angle and linear-interpolation barriers between {@code a} and {@code b}. */
    BranchResults.Geometry pair(String pair, P a, P b);

    @Override
    void close();
}
