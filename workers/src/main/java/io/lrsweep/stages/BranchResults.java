package io.lrsweep.stages;

import java.util.List;

/**
 * Everything the analysis measured on one branch. Accuracies, errors and barriers are fractions
 * (0.01 = one percentage point); angles are radians.
 */
public record BranchResults(double plr, int seed, int dataSeed, double minEpochLoss, boolean converged,
                            Point pretrain, List<Point> finetune, List<Point> average, List<Geometry> geometry) {

    /** Measurements of one point (pre-trained, fine-tuned with {@code flr}, or SWA over {@code k}). */
    public record Point(String point, Double flr, Integer k, double trainLoss, double trainAccuracy, double testLoss,
                        double testAccuracy, double[] singleFeatureAccuracy, double[] sortedSingleFeatureAccuracy,
                        double concentration) {
    }

    /** Angle and linear-interpolation barriers between two points, with the measured error curves. */
    public record Geometry(String pair, double angle, double barrierTrain, double barrierTest,
                           double[] trainErrorCurve, double[] testErrorCurve) {
    }

    /** The largest test barrier over the geometry pairs (regime 2A/2B criterion). */
    public double maxTestBarrier() {
        return geometry.stream().mapToDouble(Geometry::barrierTest).max().orElse(0);
    }
}
