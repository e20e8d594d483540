package io.lrsweep.report;

import io.lrsweep.science.Regime;
import io.lrsweep.study.Refine;
import io.lrsweep.study.RefineRound;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The adaptive-refinement rule: which PLRs one round adds, from the regimes measured so far.
 *
 * <p>The bracket runs from the last converging PLR to the first 2B PLR above it (the first
 * non-converging one when no 2B PLR lies above it): the threshold and the 2A band lie inside. In
 * it, a <em>transition gap</em> is a pair of neighbouring PLRs of different regimes (1|2A, 2A|2B,
 * 1|2B, …); without 2A PLRs inside, the bracket is one gap. A round deals its {@code points} PLRs
 * to the transition gaps, each next point to the gap whose parts would stay widest, and spaces a
 * gap's points evenly in log PLR, rounded to three significant digits.
 *
 * <p>The finest spacing asked for is the coarse grid's mean log step divided by
 * {@code (points + 1)^rounds}: the step that {@code rounds} rounds of {@code points} points reach
 * in a bracket of one coarse step. A gap no wider than that (up to the rounding of PLRs) is
 * resolved; the refinement stops when every transition gap is, when there is no bracket (no PLR
 * converged, or none above the last converging one failed to), or after {@code rounds} rounds.
 */
public final class RefineChoice {
    /** Slack on "one finest step apart" for PLRs rounded to three significant digits (±0.5 % each). */
    static final double STEP_SLACK = 1.05;

    private RefineChoice() {
    }

    /**
     * Round {@code round} (1 for the first) of a study whose coarse grid is {@code coarse}, given the
     * regime of every PLR measured so far (the coarse ones and those of earlier rounds).
     */
    public static RefineRound next(int round, List<Double> coarse, Refine refine, Map<Double, Regime> regimes) {
        if (round > refine.rounds()) {
            return stop(round, null, null, "the " + refine.rounds() + " rounds asked for are done");
        }
        NavigableMap<Double, Regime> grid = new TreeMap<>(regimes);
        Double lower = null;
        for (var e : grid.entrySet()) {
            if (e.getValue() == Regime.CONVERGENCE) {
                lower = e.getKey();
            }
        }
        if (lower == null) {
            return stop(round, null, null, "no PLR converged: there is no threshold to close in on");
        }
        Double upper = null;
        for (var e : grid.tailMap(lower, false).entrySet()) {
            if (e.getValue() == Regime.CHAOTIC_2B) {
                upper = e.getKey();
                break;
            }
        }
        if (upper == null) {
            upper = grid.higherKey(lower);
        }
        if (upper == null) {
            return stop(round, lower, null, "every PLR above " + lower + " is missing or converged: no PLR above"
                    + " the last converging one to close in on");
        }
        double finest = finestStep(coarse, refine);
        List<double[]> gaps = new ArrayList<>();
        Map.Entry<Double, Regime> previous = null;
        for (var e : grid.subMap(lower, true, upper, true).entrySet()) {
            if (previous != null && previous.getValue() != e.getValue()
                    && Math.log10(e.getKey() / previous.getKey()) > finest * STEP_SLACK) {
                gaps.add(new double[] {previous.getKey(), e.getKey()});
            }
            previous = e;
        }
        if (gaps.isEmpty()) {
            return stop(round, lower, upper, "every change of regime between " + lower + " and " + upper
                    + " is one finest step (" + String.format(Locale.ROOT, "%.3g", finest)
                    + " decades) wide or less");
        }
        int[] dealt = new int[gaps.size()];
        for (int p = 0; p < refine.points(); p++) {
            int widest = 0;
            for (int g = 1; g < gaps.size(); g++) {
                if (part(gaps.get(g), dealt[g]) > part(gaps.get(widest), dealt[widest])) {
                    widest = g;
                }
            }
            dealt[widest]++;
        }
        List<Double> added = new ArrayList<>();
        for (int g = 0; g < gaps.size(); g++) {
            double lo = Math.log10(gaps.get(g)[0]);
            double hi = Math.log10(gaps.get(g)[1]);
            for (int i = 1; i <= dealt[g]; i++) {
                double plr = threeDigits(Math.pow(10, lo + (hi - lo) * i / (dealt[g] + 1)));
                // Rounding can land on a measured PLR (or a neighbour's point) when the gap is narrow.
                if (!grid.containsKey(plr) && !added.contains(plr)) {
                    added.add(plr);
                }
            }
        }
        added.sort(Double::compare);
        return new RefineRound(round, added, lower, upper, added.size() + " PLRs in " + gaps.size()
                + " change(s) of regime between " + lower + " and " + upper);
    }

    /** The finest spacing asked for, in decades of PLR (see the class comment). */
    public static double finestStep(List<Double> coarse, Refine refine) {
        double min = coarse.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double max = coarse.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        double meanStep = Math.log10(max / min) / (coarse.size() - 1);
        return meanStep / Math.pow(refine.points() + 1, refine.rounds());
    }

    /** Log width of a gap's parts once it holds {@code points} more PLRs. */
    private static double part(double[] gap, int points) {
        return Math.log10(gap[1] / gap[0]) / (points + 1);
    }

    private static double threeDigits(double v) {
        return new BigDecimal(v).round(new MathContext(3)).doubleValue();
    }

    private static RefineRound stop(int round, Double lower, Double upper, String why) {
        return new RefineRound(round, List.of(), lower, upper, why);
    }
}
