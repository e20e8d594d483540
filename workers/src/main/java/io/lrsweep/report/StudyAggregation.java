package io.lrsweep.report;

import io.lrsweep.science.Regime;
import io.lrsweep.science.RegimeThresholds;
import io.lrsweep.science.Sharpness;
import io.lrsweep.science.Vectors;
import io.lrsweep.study.BaselineResults;
import io.lrsweep.study.BranchResults;
import io.lrsweep.study.Features;
import io.lrsweep.study.StudyConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** Aggregates branch results over seeds, classifies each PLR's regime and finds the summary numbers. */
public final class StudyAggregation {
    /** Edges of the weight-norm histograms: log10(‖W[i]‖ / rho) from 10⁻⁶ to 1 in quarter decades. */
    static final double[] WEIGHT_NORM_EDGES = edges(-6, 0, 0.25);

    private StudyAggregation() {
    }

    public static RegimeThresholds thresholds(StudyConfig c) {
        return new RegimeThresholds(c.convergenceLoss(), c.chance(), c.divergenceMargin(), c.barrierLimit());
    }

    /**
     * {@code branches} maps each PLR to the results of its seeds; {@code converged} and
     * {@code twoStage} are the baselines' runs (empty when none ran).
     */
    public static StudyReport aggregate(StudyConfig c, Map<Double, List<BranchResults>> branches,
                                        List<BaselineResults.Convergence> converged,
                                        List<BaselineResults.TwoStage> twoStage) {
        return aggregate(c, branches, converged, twoStage, Map.of());
    }

    /** As above; {@code roundOf} gives the refinement round of each PLR (absent: 0, the study's own grid). */
    public static StudyReport aggregate(StudyConfig c, Map<Double, List<BranchResults>> branches,
                                        List<BaselineResults.Convergence> converged,
                                        List<BaselineResults.TwoStage> twoStage, Map<Double, Integer> roundOf) {
        RegimeThresholds t = thresholds(c);
        List<StudyReport.PlrRow> rows = new ArrayList<>();
        for (double plr : c.plrs().stream().sorted().toList()) {
            List<BranchResults> runs = branches.get(plr);
            if (runs == null || runs.isEmpty()) {
                throw new IllegalArgumentException("no finished branch for plr " + plr);
            }
            rows.add(row(c, t, plr, roundOf.getOrDefault(plr, 0), runs));
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
        units.put("weight_norms", "log10 of a filter's or neuron's norm over rho");
        return new StudyReport(c.studyId(), c.preset(), units, thresholds, summary(c, rows, converged, twoStage),
                rows);
    }

    private static StudyReport.PlrRow row(StudyConfig c, RegimeThresholds t, double plr, int round,
                                          List<BranchResults> runs) {
        int converged = (int) runs.stream().filter(BranchResults::converged).count();
        // Images: the paper's pre-training value, the mean test accuracy of the last epochs.
        double preTest = mean(runs, BranchResults::pretrainCurveAccuracy);
        List<StudyReport.PairGeometry> geometry = new ArrayList<>();
        for (int g = 0; g < runs.get(0).geometry().size(); g++) {
            int gi = g;
            Function<BranchResults, BranchResults.Geometry> pair = r -> r.geometry().get(gi);
            double[] train = runs.stream().mapToDouble(r -> pair.apply(r).barrierTrain()).toArray();
            double[] test = runs.stream().mapToDouble(r -> pair.apply(r).barrierTest()).toArray();
            geometry.add(new StudyReport.PairGeometry(pair.apply(runs.get(0)).pair(),
                    mean(runs, r -> pair.apply(r).angle()), Vectors.mean(train), Vectors.mean(test),
                    Vectors.median(train), iqr(train), Vectors.median(test), iqr(test), quartiles(train),
                    quartiles(test),
                    meanCurve(runs, r -> pair.apply(r).trainLossCurve()),
                    meanCurve(runs, r -> pair.apply(r).gradientNormCurve())));
        }
        // A PLR is classified by its typical seed: it converges when most seeds did, and its barrier
        // is the median over seeds of each seed's largest test barrier, so one seed that jumps out of
        // the basin does not decide the regime of the PLR on its own.
        double[] maxBarriers = runs.stream().mapToDouble(BranchResults::maxTestBarrier).toArray();
        double typicalBarrier = Vectors.median(maxBarriers);
        Regime regime = t.classify(2 * converged > runs.size(), preTest, typicalBarrier);
        SortedMap<Integer, String> seedRegimes = new TreeMap<>();
        runs.forEach(r -> seedRegimes.put(r.seed(), t.classify(r.converged(), r.pretrainCurveAccuracy(),
                r.maxTestBarrier()).label()));
        List<StudyReport.FlrAccuracy> ft = new ArrayList<>();
        for (double flr : c.flrs()) {
            SeedValues test = perSeed(runs, r -> finetune(r, flr).testAccuracy());
            ft.add(new StudyReport.FlrAccuracy(flr, mean(runs, r -> finetune(r, flr).testAccuracy()),
                    mean(runs, r -> finetune(r, flr).trainAccuracy()), test.std(), test));
        }
        List<StudyReport.KAccuracy> avg = new ArrayList<>();
        for (int k : c.swaKs()) {
            SeedValues test = perSeed(runs, r -> average(r, k).testAccuracy());
            avg.add(new StudyReport.KAccuracy(k, mean(runs, r -> average(r, k).testAccuracy()),
                    mean(runs, r -> average(r, k).trainAccuracy()), test.std(), test));
        }
        Map<String, StudyReport.FeatureSummary> points = new LinkedHashMap<>();
        List<Function<BranchResults, BranchResults.Point>> at = List.of(BranchResults::pretrain,
                r -> finetune(r, c.geometryFlrLow()), r -> finetune(r, c.geometryFlrHigh()),
                r -> average(r, c.geometryK()));
        for (int i = 0; i < at.size(); i++) {
            int pi = i;
            points.put(StudyReport.FeaturePoints.NAMES.get(i), new StudyReport.FeatureSummary(
                    meanFeatures(runs, r -> at.get(pi).apply(r).features())));
        }
        SeedValues preTests = perSeed(runs, BranchResults::pretrainCurveAccuracy);
        return new StudyReport.PlrRow(plr, round, regime.label(), runs.size(), converged,
                new SeedRegimes(regime.label(), seedRegimes), mean(runs, BranchResults::minEpochLoss), typicalBarrier,
                iqr(maxBarriers), perSeed(runs, BranchResults::maxTestBarrier),
                new StudyReport.Accuracy(preTest, mean(runs, r -> r.pretrain().testAccuracy()),
                        mean(runs, r -> r.pretrain().trainAccuracy()), mean(runs, r -> r.pretrain().testLoss()),
                        preTests.std(), preTests),
                ft, avg, geometry, new StudyReport.FeaturePoints(points),
                perSeed(runs, r -> PaperClaims.concentration(finetune(r, c.geometryFlrLow()).features(), c.chance())),
                sharpness(runs), weightNorms(runs), meanCurve(runs, BranchResults::epochLoss));
    }

    /**
     * The seed mean of the feature results of one point; single features are sorted per run
     * before averaging (study-spec §6).
     */
    private static Features meanFeatures(List<BranchResults> runs, Function<BranchResults, Features> of) {
        return switch (of.apply(runs.get(0))) {
            case Features.SingleFeatures first -> {
                int count = first.sorted().length;
                double[] accuracy = new double[count];
                double[] sorted = new double[count];
                for (int f = 0; f < count; f++) {
                    int fi = f;
                    accuracy[f] = mean(runs, r -> ((Features.SingleFeatures) of.apply(r)).accuracy()[fi]);
                    sorted[f] = mean(runs, r -> ((Features.SingleFeatures) of.apply(r)).sorted()[fi]);
                }
                yield new Features.SingleFeatures(accuracy, sorted,
                        mean(runs, r -> ((Features.SingleFeatures) of.apply(r)).concentration()));
            }
            case Features.Bands first -> {
                Map<String, Double> bands = new LinkedHashMap<>();
                for (String band : first.accuracy().keySet()) {
                    bands.put(band, mean(runs, r -> ((Features.Bands) of.apply(r)).accuracy().get(band)));
                }
                yield new Features.Bands(bands);
            }
        };
    }

    /** Seed means of the sharpness estimates, or null when the branches have none. */
    private static StudyReport.SharpnessRow sharpness(List<BranchResults> runs) {
        if (runs.stream().anyMatch(r -> r.sharpness() == null)) {
            return null;
        }
        StudyReport.SharpnessOfPoint low = ofPoint(runs.stream().map(r -> r.sharpness().finetuneLow()).toList());
        StudyReport.SharpnessOfPoint pre = ofPoint(runs.stream().map(r -> r.sharpness().pretrain()).toList());
        return new StudyReport.SharpnessRow(pre.trace(), pre.traceNormalized(), pre.topEigenvalue(), low);
    }

    private static StudyReport.SharpnessOfPoint ofPoint(List<Sharpness.Estimate> estimates) {
        return new StudyReport.SharpnessOfPoint(
                estimates.stream().mapToDouble(Sharpness.Estimate::trace).average().orElse(Double.NaN),
                estimates.stream().mapToDouble(Sharpness.Estimate::traceNormalized).average().orElse(Double.NaN),
                estimates.stream().mapToDouble(Sharpness.Estimate::topEigenvalue).average().orElse(Double.NaN));
    }

    /** The histogram of every seed's filter norms at the pre-trained point, on fixed edges. */
    private static StudyReport.Histogram weightNorms(List<BranchResults> runs) {
        double[] e = WEIGHT_NORM_EDGES;
        long[] counts = new long[e.length - 1];
        for (BranchResults r : runs) {
            if (r.filterNorms() == null) {
                return null;
            }
            for (double v : r.filterNorms()) {
                int bin = (int) Math.floor((v - e[0]) / (e[1] - e[0]));
                counts[Math.max(0, Math.min(counts.length - 1, bin))]++;
            }
        }
        return new StudyReport.Histogram(e.clone(), counts);
    }

    private static StudyReport.Summary summary(StudyConfig c, List<StudyReport.PlrRow> rows,
                                               List<BaselineResults.Convergence> converged,
                                               List<BaselineResults.TwoStage> twoStage) {
        Double lastConverged = null;
        for (var r : rows) {
            if (r.regime().equals(Regime.CONVERGENCE.label())) {
                lastConverged = r.plr();
            }
        }
        // Threshold: the first PLR above every converging PLR (the first non-converging one above them).
        Double threshold = null;
        for (var r : rows) {
            if (lastConverged == null || r.plr() > lastConverged) {
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
        // With no converging PLR the first PLR of the grid is the first non-converging one.
        StudyReport.Summary s = new StudyReport.Summary(threshold, lastConverged, threshold, band, bestPre, bestFt,
                bestAvg, convergence(converged), twoStage(twoStage), List.of());
        return s.withClaims(PaperClaims.check(c, rows, s));
    }

    /** Runs trained to convergence, by PLR: most seeds converged?, median length, mean test accuracy. */
    private static List<StudyReport.ConvergenceSummary> convergence(List<BaselineResults.Convergence> runs) {
        Map<Double, List<BaselineResults.Convergence>> byPlr = new TreeMap<>();
        runs.forEach(r -> byPlr.computeIfAbsent(r.plr(), p -> new ArrayList<>()).add(r));
        List<StudyReport.ConvergenceSummary> out = new ArrayList<>();
        byPlr.forEach((plr, seeds) -> {
            int converged = (int) seeds.stream().filter(BaselineResults.Convergence::converged).count();
            SortedMap<Integer, Double> test = new TreeMap<>();
            seeds.forEach(r -> test.put(r.seed(), r.testAccuracy()));
            SeedValues perSeed = new SeedValues(test);
            out.add(new StudyReport.ConvergenceSummary(plr, 2 * converged > seeds.size(), converged,
                    Math.round(Vectors.median(seeds.stream().mapToDouble(BaselineResults.Convergence::steps).toArray())),
                    Math.round(Vectors.median(seeds.stream().mapToDouble(BaselineResults.Convergence::epochs).toArray())),
                    seeds.stream().mapToDouble(BaselineResults.Convergence::testAccuracy).average().orElseThrow(),
                    perSeed.std(), perSeed));
        });
        return out;
    }

    private static StudyReport.TwoStageSummary twoStage(List<BaselineResults.TwoStage> runs) {
        if (runs.isEmpty()) {
            return null;
        }
        return new StudyReport.TwoStageSummary(runs.get(0).plrFirst(), runs.get(0).plrSecond(), runs.size(),
                runs.stream().mapToDouble(BaselineResults.TwoStage::pretrainTestAccuracy).average().orElseThrow(),
                runs.stream().mapToDouble(BaselineResults.TwoStage::testAccuracy).average().orElseThrow());
    }

    private static BranchResults.Point finetune(BranchResults r, double flr) {
        return r.finetune().stream().filter(p -> p.flr() == flr).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("branch plr=" + r.plr() + " has no finetune " + flr));
    }

    private static BranchResults.Point average(BranchResults r, int k) {
        return r.average().stream().filter(p -> p.k() == k).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("branch plr=" + r.plr() + " has no average k=" + k));
    }

    /** {@code f} of each seed's run. */
    private static SeedValues perSeed(List<BranchResults> runs, ToDoubleFunction<BranchResults> f) {
        SortedMap<Integer, Double> bySeed = new TreeMap<>();
        runs.forEach(r -> bySeed.put(r.seed(), f.applyAsDouble(r)));
        return new SeedValues(bySeed);
    }

    private static double mean(List<BranchResults> runs, ToDoubleFunction<BranchResults> f) {
        return runs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /** The element-wise seed mean of a curve, over the length all seeds have; null when a seed has none. */
    private static double[] meanCurve(List<BranchResults> runs, Function<BranchResults, double[]> curve) {
        int n = Integer.MAX_VALUE;
        for (BranchResults r : runs) {
            double[] v = curve.apply(r);
            if (v == null) {
                return null;
            }
            n = Math.min(n, v.length);
        }
        double[] out = new double[n];
        for (BranchResults r : runs) {
            double[] v = curve.apply(r);
            for (int i = 0; i < n; i++) {
                out[i] += v[i] / runs.size();
            }
        }
        return out;
    }

    private static double[] quartiles(double[] values) {
        return new double[] {Vectors.quantile(values, 0.25), Vectors.quantile(values, 0.75)};
    }

    /** The inter-quartile range, Q3 − Q1, with linearly interpolated quartiles. */
    static double iqr(double[] values) {
        return Vectors.quantile(values, 0.75) - Vectors.quantile(values, 0.25);
    }

    private static double[] edges(double from, double to, double step) {
        int n = (int) Math.round((to - from) / step);
        double[] e = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            e[i] = from + i * step;
        }
        return e;
    }
}
