package io.lrsweep.study;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.lrsweep.science.Sharpness;
import java.util.List;
import java.util.Map;

/**
 * Everything the analysis measured on one branch. Accuracies, errors and barriers are fractions
 * (0.01 = one percentage point); angles are radians.
 *
 * @param sharpness   of the pre-trained point and of the point fine-tuned with the low geometry FLR,
 *                    or null where the setup computes none
 * @param filterNorms {@code log10(‖W[i]‖ / rho)} of every output filter or neuron of the SI
 *                    tensors of the pre-trained point
 * @param epochLoss   the pre-training curve: mean training loss of every epoch
 */
public record BranchResults(double plr, int seed, int dataSeed, double minEpochLoss, boolean converged,
                            Point pretrain, List<Point> finetune, List<Point> average, List<Geometry> geometry,
                            Double recentTestAccuracy, PointSharpness sharpness, double[] filterNorms,
                            double[] epochLoss) {

    /** Sharpness of the pre-trained point and of the low-FLR fine-tuned point. */
    public record PointSharpness(Sharpness.Estimate pretrain, Sharpness.Estimate finetuneLow) {
    }

    /**
     * Measurements of one point (pre-trained, fine-tuned with {@code flr}, or SWA over {@code k}).
     * Stored with the feature results flattened into four fields, as {@code results.json} has
     * always had them (so stored analyses keep their bytes and fingerprints).
     */
    @JsonPropertyOrder({"point", "flr", "k", "trainLoss", "trainAccuracy", "testLoss", "testAccuracy",
            "singleFeatureAccuracy", "sortedSingleFeatureAccuracy", "concentration", "bandAccuracy"})
    public record Point(String point, Double flr, Integer k, double trainLoss, double trainAccuracy, double testLoss,
                        double testAccuracy, @JsonIgnore Features features) {

        @JsonCreator
        static Point read(@JsonProperty("point") String point, @JsonProperty("flr") Double flr,
                          @JsonProperty("k") Integer k, @JsonProperty("trainLoss") double trainLoss,
                          @JsonProperty("trainAccuracy") double trainAccuracy,
                          @JsonProperty("testLoss") double testLoss, @JsonProperty("testAccuracy") double testAccuracy,
                          @JsonProperty("singleFeatureAccuracy") double[] single,
                          @JsonProperty("sortedSingleFeatureAccuracy") double[] sorted,
                          @JsonProperty("concentration") Double concentration,
                          @JsonProperty("bandAccuracy") Map<String, Double> bands) {
            Features f = bands != null ? new Features.Bands(bands)
                    : new Features.SingleFeatures(single, sorted, concentration == null ? Double.NaN : concentration);
            return new Point(point, flr, k, trainLoss, trainAccuracy, testLoss, testAccuracy, f);
        }

        @JsonProperty("singleFeatureAccuracy")
        double[] singleFeatureAccuracy() {
            return features instanceof Features.SingleFeatures s ? s.accuracy() : new double[0];
        }

        @JsonProperty("sortedSingleFeatureAccuracy")
        double[] sortedSingleFeatureAccuracy() {
            return features instanceof Features.SingleFeatures s ? s.sorted() : new double[0];
        }

        @JsonProperty("concentration")
        Double concentration() {
            return features instanceof Features.SingleFeatures s ? s.concentration() : null;
        }

        @JsonProperty("bandAccuracy")
        Map<String, Double> bandAccuracy() {
            return features instanceof Features.Bands b ? b.accuracy() : null;
        }
    }

    /** The pre-training curve's value: the mean test accuracy of the last epochs (images), else the point's. */
    public double pretrainCurveAccuracy() {
        return recentTestAccuracy != null ? recentTestAccuracy : pretrain.testAccuracy();
    }

    /**
     * Angle and linear-interpolation barriers between two points, with the curves measured at the
     * 21 points of the segment: train and test error, train-mode loss, and the norm of the loss
     * gradient over the SI parameters (null where the setup does not measure it).
     */
    public record Geometry(String pair, double angle, double barrierTrain, double barrierTest,
                           double[] trainErrorCurve, double[] testErrorCurve, double[] trainLossCurve,
                           double[] gradientNormCurve) {
    }

    /** The largest test barrier over the geometry pairs (regime 2A/2B criterion). */
    public double maxTestBarrier() {
        return geometry.stream().mapToDouble(Geometry::barrierTest).max().orElse(0);
    }
}
