package io.lrsweep.report;

import io.lrsweep.science.Regime;
import io.lrsweep.science.RegimeThresholds;
import io.lrsweep.science.Vectors;
import io.lrsweep.study.BranchResults;
import io.lrsweep.study.Features;
import io.lrsweep.study.RateLabel;
import io.lrsweep.study.StudyConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** Averages branch results over seeds, classifies each PLR's regime and finds the summary numbers. */
public final class StudyAggregation {
    private StudyAggregation() {
    }

    public static RegimeThresholds thresholds(StudyConfig c) {
        return new RegimeThresholds(c.convergenceLoss(), c.chance(), c.divergenceMargin(), c.barrierLimit());
    }

    /** {@code branches} maps each PLR to the results of its seeds. */
    public static StudyReport aggregate(StudyConfig c, Map<Double, List<BranchResults>> branches) {
        RegimeThresholds t = thresholds(c);
        List<StudyReport.PlrRow> rows = new ArrayList<>();
        for (double plr : c.plrs().stream().sorted().toList()) {
            List<BranchResults> runs = branches.get(plr);
            if (runs == null || runs.isEmpty()) {
                throw new IllegalArgumentException("no finished branch for plr " + plr);
            }
            rows.add(row(c, t, plr, runs));
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        thresholds.put("convergence_loss", t.convergenceLoss());
        thresholds.put("chance", t.chance());
        thresholds.put("divergence_margin", t.divergenceMargin());
        thresholds.put("barrier_limit", t.barrierLimit());
        Map<String, String> units = new LinkedHashMap<>();
        units.put("accuracy", "fraction");
        units.put("barrier", "fraction of error (0.01 = one percentage point)");
        units.put("angle", "radians");
        units.put("learning_rate", "effective learning rate on the sphere");
        return new StudyReport(c.studyId(), c.preset(), units, thresholds, summary(c, rows), rows);
    }

    private static StudyReport.PlrRow row(StudyConfig c, RegimeThresholds t, double plr, List<BranchResults> runs) {
        int converged = (int) runs.stream().filter(BranchResults::converged).count();
        // Images: the paper's pre-training value, the mean test accuracy of the last epochs.
        double preTest = mean(runs, BranchResults::pretrainCurveAccuracy);
        List<StudyReport.PairGeometry> geometry = new ArrayList<>();
        for (int g = 0; g < runs.get(0).geometry().size(); g++) {
            int gi = g;
            geometry.add(new StudyReport.PairGeometry(runs.get(0).geometry().get(g).pair(),
                    mean(runs, r -> r.geometry().get(gi).angle()),
                    mean(runs, r -> r.geometry().get(gi).barrierTrain()),
                    mean(runs, r -> r.geometry().get(gi).barrierTest())));
        }
        // A PLR is classified by its typical seed: it converges when most seeds did, and its barrier
        // is the median over seeds of each seed's largest test barrier, so one seed that jumps out of
        // the basin does not decide the regime of the PLR on its own.
        double typicalBarrier = Vectors.median(runs.stream().mapToDouble(BranchResults::maxTestBarrier).toArray());
        Regime regime = t.classify(2 * converged > runs.size(), preTest, typicalBarrier);
        List<StudyReport.FlrAccuracy> ft = new ArrayList<>();
        for (double flr : c.flrs()) {
            ft.add(new StudyReport.FlrAccuracy(flr, mean(runs, r -> finetune(r, flr).testAccuracy()),
                    mean(runs, r -> finetune(r, flr).trainAccuracy())));
        }
        List<StudyReport.KAccuracy> avg = new ArrayList<>();
        for (int k : c.swaKs()) {
            avg.add(new StudyReport.KAccuracy(k, mean(runs, r -> average(r, k).testAccuracy()),
                    mean(runs, r -> average(r, k).trainAccuracy())));
        }
        StudyReport.FeatureSummary features = new StudyReport.FeatureSummary("finetune flr="
                + RateLabel.of(c.featureFlr()), meanFeatures(c, runs));
        return new StudyReport.PlrRow(plr, regime.label(), runs.size(), converged,
                mean(runs, BranchResults::minEpochLoss), typicalBarrier,
                new StudyReport.Accuracy(preTest, mean(runs, r -> r.pretrain().trainAccuracy()),
                        mean(runs, r -> r.pretrain().testLoss())),
                ft, avg, geometry, features);
    }

    /**
     * The seed mean of the feature results of the points fine-tuned with the feature FLR; single
     * features are sorted per run before averaging (study-spec §6).
     */
    private static Features meanFeatures(StudyConfig c, List<BranchResults> runs) {
        return switch (finetune(runs.get(0), c.featureFlr()).features()) {
            case Features.SingleFeatures first -> {
                int count = first.sorted().length;
                double[] accuracy = new double[count];
                double[] sorted = new double[count];
                for (int f = 0; f < count; f++) {
                    int fi = f;
                    accuracy[f] = mean(runs, r -> single(r, c).accuracy()[fi]);
                    sorted[f] = mean(runs, r -> single(r, c).sorted()[fi]);
                }
                yield new Features.SingleFeatures(accuracy, sorted, mean(runs, r -> single(r, c).concentration()));
            }
            case Features.Bands first -> {
                Map<String, Double> bands = new LinkedHashMap<>();
                for (String band : first.accuracy().keySet()) {
                    bands.put(band, mean(runs, r -> ((Features.Bands) finetune(r, c.featureFlr()).features())
                            .accuracy().get(band)));
                }
                yield new Features.Bands(bands);
            }
        };
    }

    private static Features.SingleFeatures single(BranchResults r, StudyConfig c) {
        return (Features.SingleFeatures) finetune(r, c.featureFlr()).features();
    }

    private static StudyReport.Summary summary(StudyConfig c, List<StudyReport.PlrRow> rows) {
        // Threshold: the first PLR above every converging PLR.
        double lastConverging = Double.NEGATIVE_INFINITY;
        for (var r : rows) {
            if (r.regime().equals(Regime.CONVERGENCE.label())) {
                lastConverging = r.plr();
            }
        }
        Double threshold = null;
        for (var r : rows) {
            if (r.plr() > lastConverging) {
                threshold = r.plr();
                break;
            }
        }
        // 2A band: the contiguous run of 2A PLRs that starts at the threshold.
        List<Double> band = null;
        if (threshold != null) {
            Double lo = null;
            Double hi = null;
            for (var r : rows) {
                if (r.plr() < threshold) {
                    continue;
                }
                if (!r.regime().equals(Regime.CHAOTIC_2A.label())) {
                    if (lo != null) {
                        break;
                    }
                    continue;
                }
                if (lo == null) {
                    lo = r.plr();
                }
                hi = r.plr();
            }
            band = lo == null ? null : List.of(lo, hi);
        }
        StudyReport.Best bestPre = null;
        StudyReport.Best bestFt = null;
        StudyReport.Best bestAvg = null;
        for (var r : rows) {
            if (bestPre == null || r.pretrain().testAccuracy() > bestPre.testAccuracy()) {
                bestPre = new StudyReport.Best(r.plr(), null, null, r.pretrain().testAccuracy());
            }
            for (var f : r.finetune()) {
                if (bestFt == null || f.testAccuracy() > bestFt.testAccuracy()) {
                    bestFt = new StudyReport.Best(r.plr(), f.flr(), null, f.testAccuracy());
                }
            }
            for (var a : r.average()) {
                if (bestAvg == null || a.testAccuracy() > bestAvg.testAccuracy()) {
                    bestAvg = new StudyReport.Best(r.plr(), null, a.k(), a.testAccuracy());
                }
            }
        }
        return new StudyReport.Summary(threshold, band, bestPre, bestFt, bestAvg, c.featureFlr());
    }

    private static BranchResults.Point finetune(BranchResults r, double flr) {
        return r.finetune().stream().filter(p -> p.flr() == flr).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("branch plr=" + r.plr() + " has no finetune " + flr));
    }

    private static BranchResults.Point average(BranchResults r, int k) {
        return r.average().stream().filter(p -> p.k() == k).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("branch plr=" + r.plr() + " has no average k=" + k));
    }

    private static double mean(List<BranchResults> runs, ToDoubleFunction<BranchResults> f) {
        return runs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }
}
