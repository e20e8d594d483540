package io.lrsweep.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.lrsweep.study.BaselinePlan;
import io.lrsweep.study.BaselineResults;
import io.lrsweep.study.BranchResults;
import io.lrsweep.study.Features;
import io.lrsweep.study.StudyConfig;
import io.lrsweep.study.StudyResolver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class StudyAggregationTest {
    private static final List<Double> PLRS = List.of(1e-3, 1e-2, 2e-2, 5e-2, 0.3);

    private static StudyConfig config() {
        Map<String, Object> in = new HashMap<>();
        in.put("preset", "synthetic-quick");
        in.put("overrides", Map.of("plrs", PLRS, "seeds", 2));
        return StudyResolver.resolve(in, "agg");
    }

    private static BranchResults.Point point(String name, Double flr, Integer k, double testAccuracy, double conc) {
        double[] single = new double[16];
        java.util.Arrays.fill(single, 0.5);
        single[0] = 0.5 + conc * 0.4;
        return new BranchResults.Point(name, flr, k, 0.1, 0.99, 0.5, testAccuracy,
                new Features.SingleFeatures(single, single.clone(), conc));
    }

    /** A branch with the given pre-train accuracy, FT accuracy offset, test barrier and convergence. */
    private static BranchResults branch(StudyConfig c, double plr, int seed, boolean converged, double preAcc,
                                        double ftAcc, double barrier, double conc) {
        List<BranchResults.Point> ft = new ArrayList<>();
        for (double flr : c.flrs()) {
            ft.add(point("finetune", flr, null, ftAcc + (flr == c.geometryFlrHigh() ? 0.01 : 0), conc));
        }
        List<BranchResults.Point> avg = new ArrayList<>();
        for (int k : c.swaKs()) {
            avg.add(point("average", null, k, ftAcc + k * 1e-4, conc));
        }
        List<BranchResults.Geometry> geo = List.of(
                new BranchResults.Geometry("swa-ft_low", 0.2 + seed, barrier / 2, barrier, new double[0], new double[0],
                        new double[21], null),
                new BranchResults.Geometry("swa-ft_high", 0.3, 0, barrier / 3, new double[0], new double[0],
                        new double[21], null),
                new BranchResults.Geometry("ft_low-ft_high", 0.4, 0, 0, new double[0], new double[0], new double[21],
                        null));
        return new BranchResults(plr, seed, seed, converged ? 0.001 : 0.3, converged, point("pretrain", null, null,
                preAcc, conc), ft, avg, geo, null, null, new double[] {-1.05, -0.3, -0.3}, new double[] {0.5, 0.1});
    }

    @Test
    void regimesThresholdBandAndBestPlrsFollowFromTheSeedMeans() {
        StudyConfig c = config();
        Map<Double, List<BranchResults>> b = new TreeMap<>();
        b.put(1e-3, List.of(branch(c, 1e-3, 0, true, 0.74, 0.74, 0.0, 0.1), branch(c, 1e-3, 1, true, 0.76, 0.76, 0.0, 0.1)));
        // One converged seed of two is not a majority: not regime 1.
        b.put(1e-2, List.of(branch(c, 1e-2, 0, true, 0.75, 0.80, 0.004, 0.5), branch(c, 1e-2, 1, false, 0.73, 0.82, 0.006, 0.7)));
        b.put(2e-2, List.of(branch(c, 2e-2, 0, false, 0.70, 0.78, 0.002, 0.6), branch(c, 2e-2, 1, false, 0.70, 0.78, 0.008, 0.6)));
        b.put(5e-2, List.of(branch(c, 5e-2, 0, false, 0.60, 0.70, 0.05, 0.3), branch(c, 5e-2, 1, false, 0.62, 0.70, 0.03, 0.3)));
        b.put(0.3, List.of(branch(c, 0.3, 0, false, 0.51, 0.60, 0.2, 0.2), branch(c, 0.3, 1, false, 0.50, 0.60, 0.2, 0.2)));

        StudyReport r = StudyAggregation.aggregate(c, b, List.of(), List.of());
        assertThat(r.perPlr()).extracting(StudyReport.PlrRow::regime).containsExactly("1", "2A", "2A", "2B", "3");
        assertThat(r.summary().thresholdPlr()).isEqualTo(1e-2);
        assertThat(r.summary().lastConvergedPlr()).isEqualTo(1e-3);
        assertThat(r.summary().firstNonconvergedPlr()).isEqualTo(1e-2);
        assertThat(r.summary().band2a()).containsExactly(1e-2, 2e-2);
        assertThat(r.summary().bestFinetune().plr()).isEqualTo(1e-2);
        assertThat(r.summary().bestFinetune().flr()).isEqualTo(c.geometryFlrHigh());
        assertThat(r.summary().bestFinetune().testAccuracy()).isCloseTo(0.82, within(1e-12));
        assertThat(r.summary().bestAverage().plr()).isEqualTo(1e-2);
        assertThat(r.summary().bestAverage().k()).isEqualTo(50);
        assertThat(r.summary().bestPretrain().plr()).isEqualTo(1e-3);
        var row = r.perPlr().get(1);
        assertThat(row.seeds()).isEqualTo(2);
        assertThat(row.convergedSeeds()).isEqualTo(1);
        assertThat(row.pretrain().testAccuracy()).isCloseTo(0.74, within(1e-12));
        assertThat(row.geometry().get(0).angle()).isCloseTo(0.7, within(1e-12));
        assertThat(row.geometry().get(0).barrierTest()).isCloseTo(0.005, within(1e-12));
        assertThat(row.features().points()).containsOnlyKeys("pretrain", "finetune_low", "finetune_high", "swa");
        assertThat(row.features().points().get("finetune_low").concentration()).isCloseTo(0.6, within(1e-12));
        // Two seeds' barriers 0.004 and 0.006: median 0.005, quartiles 0.0045 and 0.0055.
        assertThat(row.geometry().get(0).barrierTestMedian()).isCloseTo(0.005, within(1e-12));
        assertThat(row.geometry().get(0).barrierTestIqr()).isCloseTo(0.001, within(1e-12));
        // Filter norms -1.05, -0.3, -0.3 per seed fall in the bins [-1.25,-1) and [-0.5,-0.25).
        double[] edges = row.weightNorms().edges();
        long[] counts = row.weightNorms().counts();
        assertThat(java.util.Arrays.stream(counts).sum()).isEqualTo(6);
        assertThat(counts[(int) Math.round((-1.25 - edges[0]) / 0.25)]).isEqualTo(2);
        assertThat(counts[(int) Math.round((-0.5 - edges[0]) / 0.25)]).isEqualTo(4);
        // The best FT (PLR 1e-2) and SWA lie in the 2A band above the last converging PLR.
        assertThat(r.summary().claims()).filteredOn(claim -> claim.claim().startsWith("the best fine-tuned"))
                .singleElement().satisfies(claim -> assertThat(claim.verdict()).isEqualTo("yes"));
        assertThat(r.summary().claims()).filteredOn(claim -> claim.claim().startsWith("2A barriers"))
                .singleElement().satisfies(claim -> assertThat(claim.verdict()).isEqualTo("yes"));
        assertThat(r.thresholds()).containsEntry("barrier_limit", 0.01).containsEntry("convergence_loss", 0.01);
    }

    /** Three seeds per PLR; at 1e-2 the FT accuracies of the seeds are {@code ft2a}, at 1e-3 0.80 each. */
    private static StudyReport threeSeeds(double[] ft2a) {
        Map<String, Object> in = new HashMap<>();
        in.put("preset", "synthetic-quick");
        in.put("overrides", Map.of("plrs", List.of(1e-3, 1e-2, 0.3), "seeds", 3));
        StudyConfig c = StudyResolver.resolve(in, "agg3");
        Map<Double, List<BranchResults>> b = new TreeMap<>();
        b.put(1e-3, List.of(branch(c, 1e-3, 0, true, 0.74, 0.80, 0.0, 0.1), branch(c, 1e-3, 1, true, 0.76, 0.80, 0.0,
                0.2), branch(c, 1e-3, 2, true, 0.78, 0.80, 0.0, 0.3)));
        // Seed 2 jumps out of the basin (barrier 0.05): on its own it would be 2B.
        b.put(1e-2, List.of(branch(c, 1e-2, 0, false, 0.75, ft2a[0], 0.002, 0.5), branch(c, 1e-2, 1, false, 0.75,
                ft2a[1], 0.004, 0.1), branch(c, 1e-2, 2, false, 0.75, ft2a[2], 0.05, 0.6)));
        b.put(0.3, List.of(branch(c, 0.3, 0, false, 0.10, 0.10, 0.0, 0.0), branch(c, 0.3, 1, false, 0.10, 0.10, 0.0,
                0.0), branch(c, 0.3, 2, false, 0.10, 0.10, 0.0, 0.0)));
        return StudyAggregation.aggregate(c, b, List.of(), List.of());
    }

    private static String verdict(StudyReport r, String claimStart) {
        return r.summary().claims().stream().filter(x -> x.claim().startsWith(claimStart)).findFirst().orElseThrow()
                .verdict();
    }

    @Test
    void everyAccuracyCarriesItsSeedsTheirStandardDeviationAndEachSeedsOwnRegime() {
        StudyReport r = threeSeeds(new double[] {0.81, 0.82, 0.86});
        StudyReport.PlrRow first = r.perPlr().get(0);
        // 0.74, 0.76, 0.78: mean 0.76, sample standard deviation 0.02.
        assertThat(first.pretrain().perSeed().bySeed()).containsExactly(Map.entry(0, 0.74), Map.entry(1, 0.76),
                Map.entry(2, 0.78));
        assertThat(first.pretrain().testAccuracyStd()).isCloseTo(0.02, within(1e-12));
        StudyReport.PlrRow band = r.perPlr().get(1);
        // Low FLR 0.81, 0.82, 0.86: mean 0.83, std sqrt(((-0.02)^2 + (-0.01)^2 + 0.03^2) / 2) = sqrt(0.0007).
        StudyReport.FlrAccuracy low = band.finetune().get(0);
        assertThat(low.testAccuracy()).isCloseTo(0.83, within(1e-12));
        assertThat(low.testAccuracyStd()).isCloseTo(Math.sqrt(0.0007), within(1e-12));
        assertThat(band.regime()).isEqualTo("2A");
        assertThat(band.seedRegimes().bySeed()).containsExactly(Map.entry(0, "2A"), Map.entry(1, "2A"),
                Map.entry(2, "2B"));
        assertThat(band.seedRegimes().agree()).isEqualTo(2);
        assertThat(band.maxTestBarrierPerSeed().bySeed()).containsEntry(2, 0.05);
        assertThat(band.maxTestBarrierIqr()).isCloseTo((0.004 + 0.05) / 2 - (0.002 + 0.004) / 2, within(1e-12));
        assertThat(ReportPages.html(r, Map.of(), new ReportProvenance(config(), null, ReportLinks.NONE, "test")))
                .contains("2A (2/3 seeds)")
                .contains("0.8300 ± 0.0265");
    }

    @Test
    void aClaimHoldsOnlyWhenTheSeedMeanAndMostSeedsShowIt() {
        // Against 0.80 per seed at the last converging PLR: +1, +2 and +6 points: yes.
        assertThat(verdict(threeSeeds(new double[] {0.81, 0.82, 0.86}), "the best fine-tuned")).isEqualTo("yes");
        // One seed's +9 points carries the mean, the two others lose a point: the seeds disagree.
        assertThat(verdict(threeSeeds(new double[] {0.79, 0.79, 0.89}), "the best fine-tuned"))
                .isEqualTo("inconclusive");
        // Every seed loses: no.
        assertThat(verdict(threeSeeds(new double[] {0.79, 0.78, 0.795}), "the best fine-tuned")).isEqualTo("no");
        // Concentration 0.5, 0.1, 0.6 in 2A against 0.1, 0.2, 0.3 at the smallest PLR: +0.4, −0.1, +0.3.
        StudyReport r = threeSeeds(new double[] {0.81, 0.82, 0.86});
        assertThat(verdict(r, "2A models learn a sparser")).isEqualTo("yes");
        assertThat(r.summary().claims()).filteredOn(x -> x.claim().startsWith("2A models learn a sparser"))
                .singleElement().satisfies(x -> assertThat(x.evidence()).contains("+0.40, -0.10, +0.30")
                        .contains("2 of 3 seeds above 0"));
    }

    @Test
    void theBaselinesAreChosenFromTheRegimesAndTheirClaimsAnswered() {
        StudyConfig c = config();
        Map<Double, List<BranchResults>> b = new TreeMap<>();
        b.put(1e-3, List.of(branch(c, 1e-3, 0, true, 0.74, 0.74, 0.0, 0.1), branch(c, 1e-3, 1, true, 0.76, 0.76, 0.0, 0.1)));
        b.put(1e-2, List.of(branch(c, 1e-2, 0, false, 0.75, 0.80, 0.004, 0.5), branch(c, 1e-2, 1, false, 0.73, 0.82, 0.006, 0.7)));
        b.put(2e-2, List.of(branch(c, 2e-2, 0, false, 0.70, 0.78, 0.002, 0.6), branch(c, 2e-2, 1, false, 0.70, 0.78, 0.008, 0.6)));
        b.put(5e-2, List.of(branch(c, 5e-2, 0, false, 0.60, 0.70, 0.05, 0.3), branch(c, 5e-2, 1, false, 0.62, 0.70, 0.03, 0.3)));
        b.put(0.3, List.of(branch(c, 0.3, 0, false, 0.51, 0.60, 0.2, 0.2), branch(c, 0.3, 1, false, 0.50, 0.60, 0.2, 0.2)));
        BaselinePlan plan = BaselineChoice.of(c, StudyAggregation.aggregate(c, b, List.of(), List.of()));
        // The last converging PLR and the two above it, every seed; the best 2A PLR after the first 2B above it.
        assertThat(plan.converge()).extracting(BaselinePlan.ConvergeRun::plr).containsExactly(1e-3, 1e-3, 1e-2, 1e-2,
                2e-2, 2e-2);
        assertThat(plan.twoStage()).isEqualTo(new BaselinePlan.TwoStage(5e-2, 1e-2));

        List<BaselineResults.Convergence> converged = List.of(
                new BaselineResults.Convergence(1e-3, 0, true, 320, 10, 0.75),
                new BaselineResults.Convergence(1e-3, 1, true, 640, 20, 0.77),
                new BaselineResults.Convergence(1e-2, 0, false, 4000, 125, 0.70),
                new BaselineResults.Convergence(1e-2, 1, true, 3200, 100, 0.72));
        List<BaselineResults.TwoStage> twoStage = List.of(new BaselineResults.TwoStage(0, 5e-2, 1e-2, 0.74, 0.81),
                new BaselineResults.TwoStage(1, 5e-2, 1e-2, 0.74, 0.81));
        StudyReport r = StudyAggregation.aggregate(c, b, converged, twoStage);
        assertThat(r.summary().trainToConvergence()).hasSize(2);
        StudyReport.ConvergenceSummary first = r.summary().trainToConvergence().get(0);
        assertThat(first.converged()).isTrue();
        assertThat(first.steps()).isEqualTo(480);
        assertThat(first.testAccuracy()).isCloseTo(0.76, within(1e-12));
        // One of two seeds converged at 1e-2: not a majority.
        assertThat(r.summary().trainToConvergence().get(1).converged()).isFalse();
        assertThat(r.summary().twoStage().testAccuracy()).isCloseTo(0.81, within(1e-12));
        assertThat(r.summary().claims()).filteredOn(claim -> claim.claim().startsWith("training to convergence"))
                .singleElement().satisfies(claim -> assertThat(claim.verdict()).isEqualTo("yes"));
        // 0.81 after 5e-2 then 1e-2, against 0.81 fine-tuning from 1e-2 alone and 0.70 from 5e-2 alone.
        assertThat(r.summary().claims()).filteredOn(claim -> claim.claim().startsWith("two-stage"))
                .singleElement().satisfies(claim -> assertThat(claim.verdict()).isEqualTo("yes"));
    }

    @Test
    void oneSeedThatJumpsOutOfTheBasinDoesNotMakeA2aPlr2b() {
        StudyConfig c = StudyResolver.resolve(Map.of("preset", "synthetic-quick",
                "overrides", Map.of("plrs", List.of(1e-2), "seeds", 3)), "agg");
        StudyReport r = StudyAggregation.aggregate(c, Map.of(1e-2, List.of(
                branch(c, 1e-2, 0, false, 0.7, 0.8, 0.004, 0.5),
                branch(c, 1e-2, 1, false, 0.7, 0.8, 0.30, 0.5),
                branch(c, 1e-2, 2, false, 0.7, 0.8, 0.006, 0.5))), List.of(), List.of());
        assertThat(r.perPlr().get(0).regime()).isEqualTo("2A");
        assertThat(r.perPlr().get(0).typicalMaxTestBarrier()).isCloseTo(0.006, within(1e-12));
        assertThat(r.perPlr().get(0).geometry().get(0).barrierTest()).as("the mean is still reported")
                .isCloseTo((0.004 + 0.30 + 0.006) / 3, within(1e-12));
        assertThat(io.lrsweep.science.Vectors.median(new double[] {3, 1, 2, 10})).isEqualTo(2.5);
    }

    @Test
    void noRegimeOneMeansTheThresholdIsTheSmallestPlrAndNo2aMeansNoBand() {
        StudyConfig c = config();
        Map<Double, List<BranchResults>> b = new TreeMap<>();
        for (double plr : PLRS) {
            b.put(plr, List.of(branch(c, plr, 0, false, 0.7, 0.7, 0.05, 0.2), branch(c, plr, 1, false, 0.7, 0.7, 0.05, 0.2)));
        }
        StudyReport r = StudyAggregation.aggregate(c, b, List.of(), List.of());
        assertThat(r.summary().thresholdPlr()).isEqualTo(1e-3);
        assertThat(r.summary().band2a()).isNull();
        assertThat(r.summary().lastConvergedPlr()).isNull();
        assertThat(r.summary().claims()).filteredOn(claim -> claim.claim().startsWith("the best"))
                .allSatisfy(claim -> assertThat(claim.verdict()).isEqualTo("inconclusive"));
        assertThat(ReportPages.csv(r).lines()).hasSize(1 + PLRS.size());
        assertThat(ReportPages.html(r, Map.of("a.png", "what the paper claims"),
                new ReportProvenance(c, null, ReportLinks.NONE, "test"))).contains("none detected")
                .contains("figures/a.png").contains("<figcaption>what the paper claims</figcaption>");
    }
}
