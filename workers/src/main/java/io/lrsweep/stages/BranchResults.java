package io.lrsweep.stages;

import java.util.List;

/**
 * Everything the analysis measured on one branch. Accuracies, errors and barriers are fractions
 * (0.01 = one percentage point); angles are radians.
 */
public record BranchResults(double plr, int seed, int dataSeed, double minEpochLoss, boolean converged,
                            Point pretrain, List<Point> finetune, List<Point> average, List<Geometry> geometry,
                            Double recentTestAccuracy) {

    /**
     * Measurements of one point (pre-trained, fine-tuned with {@code flr}, or SWA over {@code k}).
     * Synthetic points have single-feature accuracies; image points have Fourier-band accuracies
     * ({@code bandAccuracy}, band name to test accuracy) instead.
     */
    public record Point(String point, Double flr, Integer k, double trainLoss, double trainAccuracy, double testLoss,
                        double testAccuracy, double[] singleFeatureAccuracy, double[] sortedSingleFeatureAccuracy,
                        Double concentration, java.util.Map<String, Double> bandAccuracy) {
    }

    /** The pre-training curve's value: the mean test accuracy of the last epochs (images), else the point's. */
    public double pretrainCurveAccuracy() {
        return recentTestAccuracy != null ? recentTestAccuracy : pretrain.testAccuracy();
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
