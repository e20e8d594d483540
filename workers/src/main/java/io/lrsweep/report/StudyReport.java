package io.lrsweep.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.lrsweep.study.Features;
import java.util.List;
import java.util.Map;

/**
 * The numbers of a finished study, aggregated over seeds per PLR, with the detected regimes, the
 * summary (threshold, 2A band, best PLRs) and the paper's claims checked against them. Serialised
 * as {@code results.json}; accuracies, errors and barriers are fractions, angles radians.
 */
public record StudyReport(
        @JsonProperty("study_id") String studyId,
        String preset,
        Map<String, String> units,
        Map<String, Double> thresholds,
        Summary summary,
        @JsonProperty("per_plr") List<PlrRow> perPlr) {

    /**
     * The study's findings in a few numbers. {@code thresholdPlr} is the first PLR above every
     * converging PLR; the boundary lies between {@code lastConvergedPlr} (where the paper draws its
     * 1→2 line) and {@code firstNonconvergedPlr}.
     */
    public record Summary(
            @JsonProperty("threshold_plr") Double thresholdPlr,
            @JsonProperty("last_converged_plr") Double lastConvergedPlr,
            @JsonProperty("first_nonconverged_plr") Double firstNonconvergedPlr,
            @JsonProperty("band_2a") List<Double> band2a,
            @JsonProperty("best_pretrain") Best bestPretrain,
            @JsonProperty("best_finetune") Best bestFinetune,
            @JsonProperty("best_average") Best bestAverage,
            @JsonProperty("train_to_convergence") List<ConvergenceSummary> trainToConvergence,
            @JsonProperty("two_stage") TwoStageSummary twoStage,
            List<Claim> claims) {
        public Summary withClaims(List<Claim> checked) {
            return new Summary(thresholdPlr, lastConvergedPlr, firstNonconvergedPlr, band2a, bestPretrain,
                    bestFinetune, bestAverage, trainToConvergence, twoStage, List.copyOf(checked));
        }
    }

    /**
     * Training to convergence at one PLR: whether most seeds converged within the budget, how many,
     * the median steps and epochs (from the start of pre-training) and the mean test accuracy.
     */
    public record ConvergenceSummary(double plr, boolean converged, @JsonProperty("converged_seeds") int convergedSeeds,
                                     long steps, long epochs, @JsonProperty("test_accuracy") double testAccuracy,
                                     @JsonProperty("test_accuracy_std") double testAccuracyStd,
                                     @JsonProperty("test_accuracy_per_seed") SeedValues perSeed) {
    }

    /** Two-stage pre-training: the two PLRs and the seed-mean test accuracy after them and after fine-tuning. */
    public record TwoStageSummary(@JsonProperty("plr_first") double plrFirst,
                                  @JsonProperty("plr_second") double plrSecond, int seeds,
                                  @JsonProperty("pretrain_test_accuracy") double pretrainTestAccuracy,
                                  @JsonProperty("test_accuracy") double testAccuracy) {
    }

    /** The PLR (and FLR or K) with the highest seed-mean test accuracy. */
    public record Best(double plr, Double flr, Integer k, @JsonProperty("test_accuracy") double testAccuracy) {
    }

    /** One of the paper's claims, answered from this study's numbers: yes, no or inconclusive. */
    public record Claim(String claim, String verdict, String evidence) {
        public static final String YES = "yes";
        public static final String NO = "no";
        public static final String INCONCLUSIVE = "inconclusive";
    }

    /** One PLR, aggregated over its seeds. */
    public record PlrRow(
            double plr,
            /** The round of adaptive refinement that added the PLR; 0 for the study's own grid. */
            int round,
            String regime,
            int seeds,
            @JsonProperty("converged_seeds") int convergedSeeds,
            /** Each seed's own regime, by the same rule applied to that seed alone, in seed order. */
            @JsonProperty("seed_regimes") SeedRegimes seedRegimes,
            @JsonProperty("min_epoch_loss") double minEpochLoss,
            /** Median over seeds of each seed's largest test barrier: the 2A/2B criterion. */
            @JsonProperty("typical_max_test_barrier") double typicalMaxTestBarrier,
            /** Inter-quartile range over seeds of each seed's largest test barrier. */
            @JsonProperty("max_test_barrier_iqr") double maxTestBarrierIqr,
            @JsonProperty("max_test_barrier_per_seed") SeedValues maxTestBarrierPerSeed,
            Accuracy pretrain,
            List<FlrAccuracy> finetune,
            List<KAccuracy> average,
            List<PairGeometry> geometry,
            FeaturePoints features,
            /** Each seed's feature concentration at the low-FLR fine-tuned point (images: over the Fourier bands). */
            @JsonProperty("finetune_low_concentration_per_seed") SeedValues finetuneLowConcentration,
            SharpnessRow sharpness,
            @JsonProperty("weight_norms") Histogram weightNorms,
            /** Seed-mean training loss of each pre-training epoch (for the curves figure; not in results.json). */
            @JsonIgnore double[] epochLoss) {
    }

    /**
     * Pre-training: {@code testAccuracy} is the paper's curve value (images: the mean of the last
     * {@code recentEpochs} epochs), {@code pointTestAccuracy} the pre-trained point's own.
     */
    public record Accuracy(@JsonProperty("test_accuracy") double testAccuracy,
                           @JsonProperty("point_test_accuracy") double pointTestAccuracy,
                           @JsonProperty("train_accuracy") double trainAccuracy,
                           @JsonProperty("test_loss") double testLoss,
                           @JsonProperty("test_accuracy_std") double testAccuracyStd,
                           @JsonProperty("test_accuracy_per_seed") SeedValues perSeed) {
    }

    /** Fine-tuning with one FLR: seed means, the test accuracy's standard deviation and each seed's. */
    public record FlrAccuracy(double flr, @JsonProperty("test_accuracy") double testAccuracy,
                              @JsonProperty("train_accuracy") double trainAccuracy,
                              @JsonProperty("test_accuracy_std") double testAccuracyStd,
                              @JsonProperty("test_accuracy_per_seed") SeedValues perSeed) {
    }

    /** SWA over K checkpoints: seed means, the test accuracy's standard deviation and each seed's. */
    public record KAccuracy(int k, @JsonProperty("test_accuracy") double testAccuracy,
                            @JsonProperty("train_accuracy") double trainAccuracy,
                            @JsonProperty("test_accuracy_std") double testAccuracyStd,
                            @JsonProperty("test_accuracy_per_seed") SeedValues perSeed) {
    }

    /**
     * Angle (seed mean) and barriers of one pair of points: the seed mean, and the median and
     * inter-quartile range over seeds (barriers are heavy-tailed; the authors plot median and IQR).
     */
    public record PairGeometry(String pair, double angle,
                               @JsonProperty("barrier_train") double barrierTrain,
                               @JsonProperty("barrier_test") double barrierTest,
                               @JsonProperty("barrier_train_median") double barrierTrainMedian,
                               @JsonProperty("barrier_train_iqr") double barrierTrainIqr,
                               @JsonProperty("barrier_test_median") double barrierTestMedian,
                               @JsonProperty("barrier_test_iqr") double barrierTestIqr,
                               /** First and third quartile of the train barrier, for the shaded band. */
                               @JsonIgnore double[] barrierTrainQuartiles,
                               @JsonIgnore double[] barrierTestQuartiles,
                               /** Seed-mean train-mode loss along the segment (21 points). */
                               @JsonIgnore double[] trainLossCurve,
                               /** Seed-mean gradient norm along the segment, or null where not measured. */
                               @JsonIgnore double[] gradientNormCurve) {
    }

    /** Feature sparsity at the four points of the authors' figures, seed means. */
    public record FeaturePoints(Map<String, FeatureSummary> points) {
        /** The points: pre-trained, fine-tuned with the low and the high geometry FLR, SWA(geometry K). */
        public static final List<String> NAMES = List.of("pretrain", "finetune_low", "finetune_high", "swa");
    }

    /**
     * The seed-mean feature results of one point: the single-feature accuracies sorted per run then
     * averaged, and their concentration (synthetic), or the accuracy on each Fourier band (images).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"concentration", "sorted_single_feature_accuracy", "band_accuracy"})
    public record FeatureSummary(@JsonIgnore Features values) {
        @JsonProperty("sorted_single_feature_accuracy")
        double[] sortedSingleFeatureAccuracy() {
            return values instanceof Features.SingleFeatures s ? s.sorted() : null;
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

    /** Seed means of the sharpness of the pre-trained point, and of the low-FLR fine-tuned point. */
    public record SharpnessRow(double trace, @JsonProperty("trace_normalized") double traceNormalized,
                               @JsonProperty("top_eigenvalue") double topEigenvalue,
                               @JsonProperty("finetune_low") SharpnessOfPoint finetuneLow) {
    }

    /** Seed means of one point's sharpness. */
    public record SharpnessOfPoint(double trace, @JsonProperty("trace_normalized") double traceNormalized,
                                   @JsonProperty("top_eigenvalue") double topEigenvalue) {
    }

    /** A histogram: {@code counts[i]} values fell in {@code [edges[i], edges[i+1])} (the end bins take what lies beyond). */
    public record Histogram(double[] edges, long[] counts) {
    }
}
