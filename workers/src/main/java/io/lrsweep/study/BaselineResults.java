package io.lrsweep.study;

/** What the baselines measured; accuracies are fractions, steps are SGD steps from the start of training. */
public final class BaselineResults {
    private BaselineResults() {
    }

    /**
     * One run trained to convergence: whether an epoch's mean training loss fell below the
     * convergence loss within the budget, after how many steps and epochs (counted from the start
     * of pre-training), and the test accuracy where it stopped.
     */
    public record Convergence(double plr, int seed, boolean converged, long steps, long epochs,
                              double testAccuracy) {
    }

    /** Two-stage pre-training of one seed: test accuracy after both stages, and after fine-tuning. */
    public record TwoStage(int seed, double plrFirst, double plrSecond, double pretrainTestAccuracy,
                           double testAccuracy) {
    }
}
