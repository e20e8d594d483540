package io.lrsweep.study;

/**
 * Adaptive refinement of a study's PLR grid: after the sweep, at most {@code rounds} rounds that
 * each add {@code points} PLRs where the regimes change between the last converging PLR and the
 * first 2B PLR (see {@code report.RefineChoice}).
 */
public record Refine(int rounds, int points) {
    /** Rounds one study may ask for: each is a full fork of branches, run one after the other. */
    public static final int MAX_ROUNDS = 10;
    /** PLRs one round may add. */
    public static final int MAX_POINTS = 20;
}
