package io.lrsweep.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.lrsweep.study.Features;
import java.util.List;
import java.util.Map;

/**
 * The numbers of a finished study, averaged over seeds per PLR, with the detected regimes and the
 * summary (threshold, 2A band, best PLRs). Serialised as {@code results.json}; accuracies, errors
 * and barriers are fractions, angles radians.
 */
public record StudyReport(
        @JsonProperty("study_id") String studyId,
        String preset,
        Map<String, String> units,
        Map<String, Double> thresholds,
        Summary summary,
        @JsonProperty("per_plr") List<PlrRow> perPlr) {

    /** The study's findings in a few numbers. */
    public record Summary(
            @JsonProperty("threshold_plr") Double thresholdPlr,
            @JsonProperty("band_2a") List<Double> band2a,
            @JsonProperty("best_pretrain") Best bestPretrain,
            @JsonProperty("best_finetune") Best bestFinetune,
            @JsonProperty("best_average") Best bestAverage,
            @JsonProperty("feature_flr") double featureFlr) {
    }

    /** The PLR (and FLR or K) with the highest seed-mean test accuracy. */
    public record Best(double plr, Double flr, Integer k, @JsonProperty("test_accuracy") double testAccuracy) {
    }

    /** One PLR, averaged over its seeds. */
    public record PlrRow(
            double plr,
            String regime,
            int seeds,
            @JsonProperty("converged_seeds") int convergedSeeds,
            @JsonProperty("min_epoch_loss") double minEpochLoss,
            /** Median over seeds of each seed's largest test barrier: the 2A/2B criterion. */
            @JsonProperty("typical_max_test_barrier") double typicalMaxTestBarrier,
            Accuracy pretrain,
            List<FlrAccuracy> finetune,
            List<KAccuracy> average,
            List<PairGeometry> geometry,
            FeatureSummary features) {
    }

    public record Accuracy(@JsonProperty("test_accuracy") double testAccuracy,
                           @JsonProperty("train_accuracy") double trainAccuracy,
                           @JsonProperty("test_loss") double testLoss) {
    }

    public record FlrAccuracy(double flr, @JsonProperty("test_accuracy") double testAccuracy,
                              @JsonProperty("train_accuracy") double trainAccuracy) {
    }

    public record KAccuracy(int k, @JsonProperty("test_accuracy") double testAccuracy,
                            @JsonProperty("train_accuracy") double trainAccuracy) {
    }

    public record PairGeometry(String pair, double angle, @JsonProperty("barrier_train") double barrierTrain,
                               @JsonProperty("barrier_test") double barrierTest) {
    }

    /**
     * Feature sparsity of the fine-tuned point at the feature FLR, averaged over seeds: synthetic
     * studies have single-feature accuracies (sorted per run, then averaged) and their
     * concentration; image studies have the test accuracy on each Fourier band. Written with the
     * four fields {@code results.json} has always had.
     */
    @JsonPropertyOrder({"source", "sorted_single_feature_accuracy", "concentration", "band_accuracy"})
    public record FeatureSummary(String source, @JsonIgnore Features values) {
        @JsonProperty("sorted_single_feature_accuracy")
        double[] sortedSingleFeatureAccuracy() {
            return values instanceof Features.SingleFeatures s ? s.sorted() : new double[0];
        }

        @JsonProperty("concentration")
        Double concentration() {
            return values instanceof Features.SingleFeatures s ? s.concentration() : null;
        }

        @JsonProperty("band_accuracy")
        Map<String, Double> bandAccuracy() {
            return values instanceof Features.Bands b ? b.accuracy() : null;
        }
    }
}
