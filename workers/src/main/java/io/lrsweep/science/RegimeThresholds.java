package io.lrsweep.science;

/**
 * The automatic regime boundaries (the paper drew them by hand): regime 1 when the epoch-mean
 * training loss fell below {@code convergenceLoss}; regime 3 when pre-trained test accuracy is
 * within {@code divergenceMargin} of chance; otherwise 2A when the largest test error barrier
 * between the geometry points stays under {@code barrierLimit}, else 2B. Accuracies and
 * barriers are fractions (0.01 = one point).
 */
public record RegimeThresholds(double convergenceLoss, double chance, double divergenceMargin, double barrierLimit) {
    public static final RegimeThresholds PAPER = new RegimeThresholds(0.01, 0.5, 0.02, 0.01);

    public RegimeThresholds {
        if (!(convergenceLoss > 0) || !(divergenceMargin >= 0) || !(barrierLimit >= 0)
                || !(chance > 0 && chance < 1)) {
            throw new IllegalArgumentException("invalid regime thresholds: loss=" + convergenceLoss + " chance="
                    + chance + " margin=" + divergenceMargin + " barrier=" + barrierLimit);
        }
    }

    /** Regime of one PLR from its (seed-averaged) measurements. */
    public Regime classify(boolean converged, double pretrainTestAccuracy, double maxTestBarrier) {
        if (converged) {
            return Regime.CONVERGENCE;
        }
        if (pretrainTestAccuracy <= chance + divergenceMargin) {
            return Regime.DIVERGENCE;
        }
        return maxTestBarrier < barrierLimit ? Regime.CHAOTIC_2A : Regime.CHAOTIC_2B;
    }
}
