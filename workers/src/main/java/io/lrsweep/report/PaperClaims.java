package io.lrsweep.report;

import io.lrsweep.science.Regime;
import io.lrsweep.study.Features;
import io.lrsweep.study.StudyConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The paper's claims (study-spec §1), each answered yes, no or inconclusive from a study's own
 * aggregated numbers, with the numbers that decide it. A claim is inconclusive when the study has
 * no PLR in a regime it needs.
 */
final class PaperClaims {
    static final String BEST_FINETUNE = "the best fine-tuned model comes from the 2A band, just above the convergence"
            + " threshold";
    static final String BEST_SWA = "the best SWA model comes from the 2A band, just above the convergence threshold";
    static final String BARRIERS = "2A barriers stay under the limit while 2B barriers exceed it";
    static final String JUMP_OUT = "from a converged point, fine-tuning with the high FLR leaves the basin";
    static final String SPARSE = "2A models learn a sparser set of features than the smallest PLR";
    static final String CONVERGED_BELOW = "training to convergence near the threshold stays below the best fine-tuning"
            + " and SWA";
    static final String TWO_STAGE = "two-stage pre-training (a 2B PLR, then a 2A PLR) recovers 2A quality";

    private PaperClaims() {
    }

    static List<StudyReport.Claim> check(StudyConfig c, List<StudyReport.PlrRow> rows, StudyReport.Summary s) {
        List<StudyReport.Claim> out = new ArrayList<>();
        out.add(bestIn2a(BEST_FINETUNE, rows, s, s.bestFinetune()));
        out.add(bestIn2a(BEST_SWA, rows, s, s.bestAverage()));
        out.add(barriers(c, rows));
        out.add(jumpOut(c, rows));
        out.add(sparse(c, rows));
        out.add(convergedBelow(s));
        out.add(twoStage(c, rows, s));
        return out;
    }

    private static StudyReport.Claim bestIn2a(String claim, List<StudyReport.PlrRow> rows, StudyReport.Summary s,
                                              StudyReport.Best best) {
        if (best == null || s.lastConvergedPlr() == null) {
            return new StudyReport.Claim(claim, StudyReport.Claim.INCONCLUSIVE, "no PLR converged, so there is no"
                    + " threshold to be above");
        }
        String regime = row(rows, best.plr()).regime();
        String evidence = String.format(Locale.ROOT, "best %.4f at PLR %s (regime %s); last converging PLR %s;"
                + " 2A band %s", best.testAccuracy(), g(best.plr()), regime, g(s.lastConvergedPlr()),
                s.band2a() == null ? "none" : g(s.band2a().get(0)) + "…" + g(s.band2a().get(1)));
        if (s.band2a() == null) {
            return new StudyReport.Claim(claim, StudyReport.Claim.INCONCLUSIVE, evidence);
        }
        boolean yes = best.plr() > s.lastConvergedPlr() && regime.equals(Regime.CHAOTIC_2A.label());
        return new StudyReport.Claim(claim, yes ? StudyReport.Claim.YES : StudyReport.Claim.NO, evidence);
    }

    private static StudyReport.Claim barriers(StudyConfig c, List<StudyReport.PlrRow> rows) {
        List<StudyReport.PlrRow> a = in(rows, Regime.CHAOTIC_2A);
        List<StudyReport.PlrRow> b = in(rows, Regime.CHAOTIC_2B);
        if (a.isEmpty() || b.isEmpty()) {
            return new StudyReport.Claim(BARRIERS, StudyReport.Claim.INCONCLUSIVE, "PLRs in 2A: " + a.size()
                    + ", in 2B: " + b.size());
        }
        double max2a = a.stream().mapToDouble(StudyReport.PlrRow::typicalMaxTestBarrier).max().orElseThrow();
        double min2b = b.stream().mapToDouble(StudyReport.PlrRow::typicalMaxTestBarrier).min().orElseThrow();
        // The classifier splits 2A from 2B at the limit; what this adds is how far apart they lie.
        return new StudyReport.Claim(BARRIERS, max2a < c.barrierLimit() && min2b >= c.barrierLimit()
                ? StudyReport.Claim.YES : StudyReport.Claim.NO, String.format(Locale.ROOT,
                "median largest test barrier: at most %.4f in 2A (%d PLRs), at least %.4f in 2B (%d PLRs); limit %.4f",
                max2a, a.size(), min2b, b.size(), c.barrierLimit()));
    }

    private static StudyReport.Claim jumpOut(StudyConfig c, List<StudyReport.PlrRow> rows) {
        StudyReport.PlrRow first = rows.get(0);
        if (!first.regime().equals(Regime.CONVERGENCE.label())) {
            return new StudyReport.Claim(JUMP_OUT, StudyReport.Claim.INCONCLUSIVE, "the smallest PLR " + g(first.plr())
                    + " is in regime " + first.regime() + ", not 1");
        }
        double barrier = first.geometry().stream().filter(p -> p.pair().contains("ft_high"))
                .mapToDouble(StudyReport.PairGeometry::barrierTestMedian).max().orElse(0);
        return new StudyReport.Claim(JUMP_OUT, barrier > c.barrierLimit() ? StudyReport.Claim.YES
                : StudyReport.Claim.NO, String.format(Locale.ROOT, "at PLR %s the median test barrier to the point"
                + " fine-tuned with FLR %s is %.4f; limit %.4f", g(first.plr()), g(c.geometryFlrHigh()), barrier,
                c.barrierLimit()));
    }

    private static StudyReport.Claim sparse(StudyConfig c, List<StudyReport.PlrRow> rows) {
        List<StudyReport.PlrRow> a = in(rows, Regime.CHAOTIC_2A);
        if (a.isEmpty()) {
            return new StudyReport.Claim(SPARSE, StudyReport.Claim.INCONCLUSIVE, "no PLR in 2A");
        }
        double smallest = concentration(rows.get(0), c.chance());
        double band = a.stream().mapToDouble(r -> concentration(r, c.chance())).average().orElseThrow();
        return new StudyReport.Claim(SPARSE, band > smallest ? StudyReport.Claim.YES : StudyReport.Claim.NO,
                String.format(Locale.ROOT, "feature concentration of the low-FLR fine-tuned point: %.3f in 2A (mean"
                        + " of %d PLRs), %.3f at the smallest PLR %s", band, a.size(), smallest, g(rows.get(0).plr())));
    }

    private static StudyReport.Claim convergedBelow(StudyReport.Summary s) {
        if (s.trainToConvergence().isEmpty()) {
            return new StudyReport.Claim(CONVERGED_BELOW, StudyReport.Claim.INCONCLUSIVE, "no run was trained to"
                    + " convergence (convergenceBudget 0)");
        }
        StudyReport.ConvergenceSummary best = s.trainToConvergence().stream()
                .max((a, b) -> Double.compare(a.testAccuracy(), b.testAccuracy())).orElseThrow();
        boolean below = best.testAccuracy() < s.bestFinetune().testAccuracy()
                && best.testAccuracy() < s.bestAverage().testAccuracy();
        return new StudyReport.Claim(CONVERGED_BELOW, below ? StudyReport.Claim.YES : StudyReport.Claim.NO,
                String.format(Locale.ROOT, "trained to convergence: at most %.4f (PLR %s, %d of the seeds converged,"
                        + " median %d epochs); best fine-tuning %.4f, best SWA %.4f", best.testAccuracy(),
                        g(best.plr()), best.convergedSeeds(), best.epochs(), s.bestFinetune().testAccuracy(),
                        s.bestAverage().testAccuracy()));
    }

    /** Recovered: within half a point of fine-tuning from the 2A PLR itself, and above fine-tuning from the 2B PLR. */
    private static StudyReport.Claim twoStage(StudyConfig c, List<StudyReport.PlrRow> rows, StudyReport.Summary s) {
        StudyReport.TwoStageSummary t = s.twoStage();
        if (t == null) {
            return new StudyReport.Claim(TWO_STAGE, StudyReport.Claim.INCONCLUSIVE, "not run: the study has no 2A"
                    + " PLR or no 2B PLR above it");
        }
        double fromSecond = finetuneLow(c, row(rows, t.plrSecond()));
        double fromFirst = finetuneLow(c, row(rows, t.plrFirst()));
        boolean recovered = t.testAccuracy() >= fromSecond - 0.005 && t.testAccuracy() > fromFirst;
        return new StudyReport.Claim(TWO_STAGE, recovered ? StudyReport.Claim.YES : StudyReport.Claim.NO,
                String.format(Locale.ROOT, "fine-tuned with FLR %s: %.4f after %s then %s; %.4f from %s alone,"
                        + " %.4f from %s alone", g(c.geometryFlrLow()), t.testAccuracy(), g(t.plrFirst()),
                        g(t.plrSecond()), fromSecond, g(t.plrSecond()), fromFirst, g(t.plrFirst())));
    }

    private static double finetuneLow(StudyConfig c, StudyReport.PlrRow row) {
        return row.finetune().stream().filter(f -> f.flr() == c.geometryFlrLow()).findFirst().orElseThrow()
                .testAccuracy();
    }

    /**
     * How concentrated the low-FLR fine-tuned point's features are: the single-feature
     * concentration, or for images the same formula over the Fourier bands with chance as baseline.
     */
    static double concentration(StudyReport.PlrRow row, double chance) {
        return switch (row.features().points().get("finetune_low").values()) {
            case Features.SingleFeatures s -> s.concentration();
            case Features.Bands b -> {
                double max = b.accuracy().values().stream().mapToDouble(Double::doubleValue).max().orElse(chance);
                double total = b.accuracy().values().stream().mapToDouble(v -> Math.max(v - chance, 0)).sum();
                yield total > 0 ? (max - chance) / total : 0.0;
            }
        };
    }

    private static List<StudyReport.PlrRow> in(List<StudyReport.PlrRow> rows, Regime regime) {
        return rows.stream().filter(r -> r.regime().equals(regime.label())).toList();
    }

    private static StudyReport.PlrRow row(List<StudyReport.PlrRow> rows, double plr) {
        Optional<StudyReport.PlrRow> r = rows.stream().filter(x -> x.plr() == plr).findFirst();
        return r.orElseThrow();
    }

    private static String g(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
