package io.lrsweep.report;

import io.lrsweep.science.Regime;
import io.lrsweep.science.Vectors;
import io.lrsweep.study.Features;
import io.lrsweep.study.StudyConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The paper's claims (study-spec §1), each answered yes, no or inconclusive from a study's own
 * aggregated numbers, with the numbers that decide it. A claim is inconclusive when the study has
 * no PLR in a regime it needs; claims that compare accuracies or concentrations do so seed by seed
 * ({@link SeedDifference}), so that they are inconclusive when the seeds disagree.
 */
final class PaperClaims {
    static final String BEST_FINETUNE = "the best fine-tuned model comes from a PLR above the last converging one"
            + " (the paper: from the 2A band)";
    static final String BEST_SWA = "the best SWA model comes from a PLR above the last converging one (the paper:"
            + " from the 2A band)";
    static final String BARRIERS = "2A barriers stay under the limit while 2B barriers exceed it";
    static final String JUMP_OUT = "from a converged point, fine-tuning with the high FLR leaves the basin";
    static final String SPARSE = "2A models learn a sparser set of features than the smallest PLR";
    static final String CONVERGED_BELOW = "training to convergence near the threshold stays below fine-tuning and SWA"
            + " from the best 2A PLR";
    static final String TWO_STAGE = "two-stage pre-training (a 2B PLR, then a 2A PLR) recovers 2A quality";
    /** Accuracies and barriers are shown in percentage points. */
    private static final double POINTS = 100;

    private PaperClaims() {
    }

    static List<StudyReport.Claim> check(StudyConfig c, List<StudyReport.PlrRow> rows, StudyReport.Summary s) {
        List<StudyReport.Claim> out = new ArrayList<>();
        out.add(bestAbove(BEST_FINETUNE, rows, s, PaperClaims::finetunes));
        out.add(bestAbove(BEST_SWA, rows, s, PaperClaims::averages));
        out.add(barriers(c, rows));
        out.add(jumpOut(c, rows));
        out.add(sparse(c, rows));
        out.add(convergedBelow(rows, s));
        out.add(twoStage(c, rows, s));
        return out;
    }

    /** One accuracy of a PLR's row: fine-tuning with one FLR or SWA over K, with its seeds. */
    private record Candidate(double plr, String regime, String what, double mean, SeedValues perSeed) {
        String describe() {
            return perSeed.describe("%.4f") + " at PLR " + g(plr) + " (regime " + regime + "), " + what;
        }
    }

    private static List<Candidate> finetunes(StudyReport.PlrRow r) {
        return r.finetune().stream().map(f -> new Candidate(r.plr(), r.regime(), "FLR " + g(f.flr()), f.testAccuracy(),
                f.perSeed())).toList();
    }

    private static List<Candidate> averages(StudyReport.PlrRow r) {
        return r.average().stream().map(a -> new Candidate(r.plr(), r.regime(), "K " + a.k(), a.testAccuracy(),
                a.perSeed())).toList();
    }

    /** The candidate with the highest seed mean among {@code rows}, or null when there are none. */
    private static Candidate best(List<StudyReport.PlrRow> rows, Function<StudyReport.PlrRow, List<Candidate>> of) {
        Candidate best = null;
        for (StudyReport.PlrRow r : rows) {
            for (Candidate x : of.apply(r)) {
                if (best == null || x.mean() > best.mean()) {
                    best = x;
                }
            }
        }
        return best;
    }

    /**
     * Claim (a): the best of {@code of} above the last converging PLR against the best at or below
     * it, seed by seed.
     */
    private static StudyReport.Claim bestAbove(String claim, List<StudyReport.PlrRow> rows, StudyReport.Summary s,
                                               Function<StudyReport.PlrRow, List<Candidate>> of) {
        Double last = s.lastConvergedPlr();
        if (last == null) {
            return new StudyReport.Claim(claim, StudyReport.Claim.INCONCLUSIVE, "no PLR converged, so there is no"
                    + " threshold to be above");
        }
        Candidate above = best(rows.stream().filter(r -> r.plr() > last).toList(), of);
        Candidate below = best(rows.stream().filter(r -> r.plr() <= last).toList(), of);
        if (above == null) {
            return new StudyReport.Claim(claim, StudyReport.Claim.INCONCLUSIVE, "no PLR above the last converging one "
                    + g(last));
        }
        SeedDifference d = SeedDifference.of(above.perSeed(), below.perSeed());
        String evidence = String.format(Locale.ROOT, "best above the last converging PLR %s: %s; best at or below"
                + " it: %s; difference %s; 2A band %s", g(last), above.describe(), below.describe(),
                d.describe(POINTS, " pt"), s.band2a() == null ? "none"
                        : g(s.band2a().get(0)) + "…" + g(s.band2a().get(1)));
        return new StudyReport.Claim(claim, d.verdict(), evidence);
    }

    /**
     * Claim (c) from the typical seed of each PLR (the median of the seeds' largest test barriers,
     * as the regimes are classified), with the spread over every seed's run behind it.
     */
    private static StudyReport.Claim barriers(StudyConfig c, List<StudyReport.PlrRow> rows) {
        List<StudyReport.PlrRow> a = in(rows, Regime.CHAOTIC_2A);
        List<StudyReport.PlrRow> b = in(rows, Regime.CHAOTIC_2B);
        if (a.isEmpty() || b.isEmpty()) {
            return new StudyReport.Claim(BARRIERS, StudyReport.Claim.INCONCLUSIVE, "PLRs in 2A: " + a.size()
                    + ", in 2B: " + b.size());
        }
        double max2a = a.stream().mapToDouble(StudyReport.PlrRow::typicalMaxTestBarrier).max().orElseThrow();
        double min2b = b.stream().mapToDouble(StudyReport.PlrRow::typicalMaxTestBarrier).min().orElseThrow();
        double[] runs2a = seedBarriers(a);
        double[] runs2b = seedBarriers(b);
        long under = Arrays.stream(runs2a).filter(v -> v < c.barrierLimit()).count();
        long over = Arrays.stream(runs2b).filter(v -> v >= c.barrierLimit()).count();
        // The classifier splits 2A from 2B at the limit; what this adds is how far apart they lie.
        return new StudyReport.Claim(BARRIERS, max2a < c.barrierLimit() && min2b >= c.barrierLimit()
                ? StudyReport.Claim.YES : StudyReport.Claim.NO, String.format(Locale.ROOT,
                "median largest test barrier: at most %.2f pt in 2A (%d PLRs), at least %.2f pt in 2B (%d PLRs);"
                        + " limit %.2f pt; over every seed's run, 2A median %.2f pt (IQR %.2f), %d of %d under the"
                        + " limit, 2B median %.2f pt (IQR %.2f), %d of %d over it", max2a * POINTS, a.size(),
                min2b * POINTS, b.size(), c.barrierLimit() * POINTS, Vectors.median(runs2a) * POINTS,
                StudyAggregation.iqr(runs2a) * POINTS, under, runs2a.length, Vectors.median(runs2b) * POINTS,
                StudyAggregation.iqr(runs2b) * POINTS, over, runs2b.length));
    }

    private static double[] seedBarriers(List<StudyReport.PlrRow> rows) {
        return rows.stream().flatMap(r -> r.maxTestBarrierPerSeed().bySeed().values().stream())
                .mapToDouble(Double::doubleValue).toArray();
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

    /**
     * Claim (d): each seed's concentration at the low-FLR fine-tuned point, averaged over the 2A
     * PLRs, against the same seed's at the smallest PLR.
     */
    private static StudyReport.Claim sparse(StudyConfig c, List<StudyReport.PlrRow> rows) {
        List<StudyReport.PlrRow> a = in(rows, Regime.CHAOTIC_2A);
        if (a.isEmpty()) {
            return new StudyReport.Claim(SPARSE, StudyReport.Claim.INCONCLUSIVE, "no PLR in 2A");
        }
        StudyReport.PlrRow first = rows.get(0);
        SortedMap<Integer, Double> band = new TreeMap<>();
        for (int seed : first.finetuneLowConcentration().bySeed().keySet()) {
            if (a.stream().allMatch(r -> r.finetuneLowConcentration().bySeed().containsKey(seed))) {
                band.put(seed, a.stream().mapToDouble(r -> r.finetuneLowConcentration().get(seed)).average()
                        .orElseThrow());
            }
        }
        if (band.isEmpty()) {
            return new StudyReport.Claim(SPARSE, StudyReport.Claim.INCONCLUSIVE, "no seed ran both at the smallest"
                    + " PLR and at every 2A PLR");
        }
        SeedValues inBand = new SeedValues(band);
        SeedDifference d = SeedDifference.of(inBand, first.finetuneLowConcentration());
        return new StudyReport.Claim(SPARSE, d.verdict(), String.format(Locale.ROOT, "feature concentration of the"
                + " low-FLR fine-tuned point: %s in 2A (mean of %d PLRs), %s at the smallest PLR %s; difference %s",
                inBand.describe("%.3f"), a.size(), first.finetuneLowConcentration().describe("%.3f"),
                g(first.plr()), d.describe(1, "")));
    }

    /**
     * Claim (b): fine-tuning and SWA at the best 2A PLR against the best run trained to
     * convergence near the threshold, seed by seed.
     */
    private static StudyReport.Claim convergedBelow(List<StudyReport.PlrRow> rows, StudyReport.Summary s) {
        if (s.trainToConvergence().isEmpty()) {
            return new StudyReport.Claim(CONVERGED_BELOW, StudyReport.Claim.INCONCLUSIVE, "no run was trained to"
                    + " convergence (convergenceBudget 0)");
        }
        StudyReport.ConvergenceSummary conv = s.trainToConvergence().stream()
                .max((x, y) -> Double.compare(x.testAccuracy(), y.testAccuracy())).orElseThrow();
        List<StudyReport.PlrRow> a = in(rows, Regime.CHAOTIC_2A);
        String trained = String.format(Locale.ROOT, "trained to convergence: at most %s (PLR %s, %d of the seeds"
                + " converged, median %d epochs)", conv.perSeed().describe("%.4f"), g(conv.plr()),
                conv.convergedSeeds(), conv.epochs());
        if (a.isEmpty()) {
            return new StudyReport.Claim(CONVERGED_BELOW, StudyReport.Claim.INCONCLUSIVE, trained + "; no PLR in 2A");
        }
        Candidate ft = best(a, PaperClaims::finetunes);
        Candidate swa = best(a, PaperClaims::averages);
        SeedDifference dFt = SeedDifference.of(ft.perSeed(), conv.perSeed());
        SeedDifference dSwa = SeedDifference.of(swa.perSeed(), conv.perSeed());
        return new StudyReport.Claim(CONVERGED_BELOW, SeedDifference.both(dFt.verdict(), dSwa.verdict()),
                String.format(Locale.ROOT, "%s; best 2A fine-tuning %s, difference %s; best 2A SWA %s, difference %s",
                        trained, ft.describe(), dFt.describe(POINTS, " pt"), swa.describe(),
                        dSwa.describe(POINTS, " pt")));
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
        return concentration(row.features().points().get("finetune_low").values(), chance);
    }

    /** As above, for one point's features. */
    static double concentration(Features features, double chance) {
        return switch (features) {
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
