package io.lrsweep.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrsweep.TinyStudy;
import io.lrsweep.report.ReportLinks;
import io.lrsweep.science.CheckpointFormat;
import io.lrsweep.science.CheckpointPack;
import io.lrsweep.science.RegimeThresholds;
import io.lrsweep.science.TrainingListener;
import io.lrsweep.science.Weights;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.setup.Setup;
import io.lrsweep.setup.Setups;
import io.lrsweep.setup.StageSink;
import io.lrsweep.setup.StageStopped;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.study.BaselinePlan;
import io.lrsweep.study.BaselineResults;
import io.lrsweep.study.Branch;
import io.lrsweep.study.InvalidStudyException;
import io.lrsweep.study.StudyPlan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagesTest {
    @TempDir
    Path root;
    private ComputeContext compute;

    @BeforeEach
    void context() {
        compute = ComputeContext.cpu(root.resolve("datasets"));
    }

    static Map<String, Object> tinyStudy(String id) {
        return TinyStudy.input(id, Map.of("plrs", List.of(1e-3, 0.1), "testSize", 500, "singleFeatureSize", 300));
    }

    private void runBranch(io.lrsweep.storage.ArtifactStore store, String id, double plr) throws Exception {
        new PretrainStage(store, compute).run(id, plr, 0, false, StageProgress.NONE);
        for (double flr : List.of(3.16e-5, 7.5e-3)) {
            new FinetuneStage(store, compute).run(id, plr, 0, flr, false, StageProgress.NONE);
        }
        for (int k : List.of(2, 5)) {
            new AverageStage(store, compute).run(id, plr, 0, k, false, StageProgress.NONE);
        }
        new AnalyzeStage(store, compute).run(id, plr, 0, false, StageProgress.NONE);
    }

    @Test
    void aRoundOfRefinementAddsPlrsThatEveryStageAcceptsAndIsCachedWhenDecidedAgain() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        Map<String, Object> input = TinyStudy.input("r1", Map.of("plrs", List.of(1e-3, 0.1), "testSize", 500,
                "singleFeatureSize", 300, "refine", Map.of("rounds", 1, "points", 1)));
        new PlanStage(store).run(input, "wf", false);
        runBranch(store, "r1", 1e-3);
        runBranch(store, "r1", 0.1);
        RefineStage refine = new RefineStage(store, compute);
        RefineStage.Decided first = refine.run("r1", 1, false, StageProgress.NONE);
        assertThat(first.round().plrs()).as("the tiny grid brackets a threshold: %s", first.round().reason())
                .isNotEmpty().allSatisfy(plr -> assertThat(plr).isStrictlyBetween(first.round().lowerEdge(),
                        first.round().upperEdge()));
        assertThat(first.branches().branches()).extracting(StudyPlan.BranchPlan::plr)
                .containsExactlyElementsOf(first.round().plrs());
        assertThat(Studies.load(store, "r1").plrs()).containsAll(first.round().plrs()).startsWith(1e-3, 0.1);
        for (double plr : first.round().plrs()) {
            runBranch(store, "r1", plr);
        }
        // Decided again (a retry or restart): the same round, from its manifest, nothing trained.
        var manifest = new StageDirectory(store, StudyLayout.refineRound("r1", 1)).manifest().orElseThrow();
        long steps = compute.stepsTaken();
        assertThat(refine.run("r1", 1, false, StageProgress.NONE)).isEqualTo(first);
        assertThat(new StageDirectory(store, StudyLayout.refineRound("r1", 1)).manifest()).contains(manifest);
        assertThat(compute.stepsTaken()).isEqualTo(steps);
        // Past the rounds asked for: nothing added, nothing recorded.
        assertThat(refine.run("r1", 2, false, StageProgress.NONE).round().plrs()).isEmpty();
        assertThat(store.exists(StudyLayout.refineRound("r1", 2) + "/MANIFEST.json")).isFalse();
        new ReportStage(store, compute).run("r1", false, StageProgress.NONE);
        JsonNode rows = new ObjectMapper().readTree(store.get("studies/r1/report/results.json")).get("per_plr");
        List<Double> roundOne = new ArrayList<>();
        rows.forEach(r -> {
            if (r.get("round").asInt() == 1) {
                roundOne.add(r.get("plr").asDouble());
            }
        });
        assertThat(roundOne).containsExactlyElementsOf(first.round().plrs());
        assertThat(rows).hasSize(2 + roundOne.size());
    }

    @Test
    void aNamedStudysReportIsTheSameBytesWhicheverOfItsWorkflowsWritesItAndAStudyNamedAfterItsWorkflowLinksIt()
            throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        new PlanStage(store).run(tinyStudy("named"), "wf-a", false);
        new PlanStage(store).run(TinyStudy.input(null, Map.of("plrs", List.of(1e-3), "testSize", 500,
                "singleFeatureSize", 300)), "wf-c", false);
        runBranch(store, "named", 1e-3);
        runBranch(store, "named", 0.1);
        runBranch(store, "wf-c", 1e-3);
        ReportStage report = new ReportStage(store, compute, ReportLinks.configured(Map.of(), "http://127.0.0.1:1/api"));
        List<byte[]> pages = new ArrayList<>();
        for (String workflow : List.of("wf-a", "wf-b")) {
            report.run("named", ReportStage.workflowOnPage("named", workflow), true, StageProgress.NONE);
            pages.add(store.get("studies/named/report/index.html"));
        }
        assertThat(pages.get(1)).isEqualTo(pages.get(0));
        assertThat(new String(pages.get(0), StandardCharsets.UTF_8)).doesNotContain("api/workflow/");
        report.run("wf-c", ReportStage.workflowOnPage("wf-c", "wf-c"), false, StageProgress.NONE);
        assertThat(new String(store.get("studies/wf-c/report/index.html"), StandardCharsets.UTF_8))
                .contains("http://127.0.0.1:1/api/workflow/wf-c");
    }

    @Test
    void aWholeStudyRunsThroughTheStagesAndWritesTheReport() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        StudyPlan plan = new PlanStage(store).run(tinyStudy("t1"), "wf", false);
        assertThat(plan.branches()).extracting(StudyPlan.BranchPlan::plr).containsExactly(1e-3, 0.1);
        runBranch(store, "t1", 1e-3);
        runBranch(store, "t1", 0.1);
        StageOutcome report = new ReportStage(store, compute).run("t1", false, StageProgress.NONE);
        assertThat(report.cached()).isFalse();
        Path dir = store.pathOf("studies/t1/report/index.html").getParent();
        assertThat(dir.resolve("index.html")).content().contains("Summary").contains("figures/");
        assertThat(dir.resolve("results.csv")).content().startsWith("plr,regime,").contains(",round\n")
                .contains(",0\n");
        assertThat(dir.resolve("index.html")).content().contains("<th>round</th>");
        try (var figures = Files.list(dir.resolve("figures"))) {
            List<Path> pngs = figures.toList();
            assertThat(pngs).hasSizeGreaterThanOrEqualTo(8);
            for (Path png : pngs) {
                byte[] head = Arrays.copyOf(Files.readAllBytes(png), 4);
                assertThat(head).containsExactly(0x89, 'P', 'N', 'G');
            }
        }
        JsonNode r = new ObjectMapper().readTree(dir.resolve("results.json").toFile());
        JsonNode s = r.get("summary");
        assertThat(s.has("threshold_plr")).isTrue();
        assertThat(s.has("band_2a")).isTrue();
        assertThat(s.get("best_finetune").has("plr")).isTrue();
        assertThat(s.get("best_finetune").has("test_accuracy")).isTrue();
        assertThat(s.get("best_average").has("test_accuracy")).isTrue();
        assertThat(s.has("last_converged_plr")).isTrue();
        assertThat(s.has("first_nonconverged_plr")).isTrue();
        assertThat(s.get("claims")).isNotEmpty().allSatisfy(claim -> assertThat(claim.get("verdict").asText())
                .isIn("yes", "no", "inconclusive"));
        JsonNode row = r.get("per_plr").get(1);
        assertThat(row.get("plr").asDouble()).isEqualTo(0.1);
        double maxBarrier = 0;
        for (JsonNode g : row.get("geometry")) {
            maxBarrier = Math.max(maxBarrier, g.get("barrier_test").asDouble());
        }
        // The reported regime is the classifier's verdict on the row's own numbers.
        assertThat(row.get("regime").asText()).isEqualTo(RegimeThresholds.PAPER.classify(
                2 * row.get("converged_seeds").asInt() > row.get("seeds").asInt(),
                row.get("pretrain").get("test_accuracy").asDouble(), maxBarrier).label());
        assertThat(row.get("pretrain").get("test_accuracy").asDouble()).isBetween(0.0, 1.0);
        assertThat(row.get("finetune")).hasSize(2);
        assertThat(row.get("average")).hasSize(2);
        assertThat(row.get("geometry")).hasSize(3);
        assertThat(row.get("geometry")).allSatisfy(g -> assertThat(g.has("barrier_test") && g.has("barrier_test_median")
                && g.has("barrier_test_iqr") && g.has("barrier_train_median") && g.has("barrier_train_iqr")).isTrue());
        for (String point : List.of("pretrain", "finetune_low", "finetune_high", "swa")) {
            JsonNode f = row.get("features").get("points").get(point);
            assertThat(f.get("sorted_single_feature_accuracy")).as(point).hasSize(16);
            assertThat(f.get("concentration").asDouble()).as(point).isBetween(0.0, 1.0);
        }
        JsonNode sharpness = row.get("sharpness");
        assertThat(sharpness.has("trace") && sharpness.has("trace_normalized") && sharpness.has("top_eigenvalue"))
                .isTrue();
        // A 2,048-parameter Hessian: the normalised trace is about the trace over 2,048 (two estimates).
        assertThat(sharpness.get("top_eigenvalue").asDouble()).isNotZero();
        JsonNode norms = row.get("weight_norms");
        assertThat(norms.get("edges")).hasSize(norms.get("counts").size() + 1);
        long filters = 0;
        for (JsonNode n : norms.get("counts")) {
            filters += n.asLong();
        }
        assertThat(filters).as("64 hidden neurons of the SI MLP").isEqualTo(64);
        assertThat(row.get("seeds").asInt()).isEqualTo(1);

        // Retention: a stray resume checkpoint goes; with --prune-window so do the SWA window
        // checkpoints, but never the pre-trained point, a manifest or an object a manifest needs.
        store.put("studies/t1/branches/plr=0.001/seed=0/finetune/flr=3.16e-5/resume.ckpt", new byte[10]);
        List<Retention.Removal> orphans = Retention.plan(store, "t1", false);
        assertThat(orphans).extracting(Retention.Removal::key)
                .containsExactly("studies/t1/branches/plr=0.001/seed=0/finetune/flr=3.16e-5/resume.ckpt");
        assertThat(Retention.apply(store, orphans)).isEqualTo(10);
        List<Retention.Removal> window = Retention.plan(store, "t1", true);
        assertThat(window).extracting(Retention.Removal::key).containsExactlyInAnyOrder(
                "studies/t1/branches/plr=0.001/seed=0/pretrain/window.ckpt",
                "studies/t1/branches/plr=0.1/seed=0/pretrain/window.ckpt");
        Retention.apply(store, window);
        assertThat(store.exists("studies/t1/branches/plr=0.1/seed=0/pretrain/iter-000001000.ckpt")).isTrue();
        assertThat(new ReportStage(store, compute).run("t1", false, StageProgress.NONE).cached()).isTrue();
        assertThatThrownBy(() -> Retention.plan(store, "t2-unfinished", false)).hasMessageContaining("no finished report");
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunTrainedToConvergenceStopsAtTheFirstEpochBelowTheLossAndTwoStageRunsFineTune() throws Exception {
        Map<String, Object> study = tinyStudy("t7");
        Map<String, Object> o = (Map<String, Object>) study.get("overrides");
        o.put("plrs", List.of(3.16e-3, 0.1));
        // Short enough that PLR 3.16e-3 has not converged when pre-training ends (it does by epoch 19).
        o.put("pretrainIterations", 500);
        o.put("convergenceBudget", 20);
        o.put("twoStagePlrs", List.of(0.1, 3.16e-3));
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        new PlanStage(store).run(study, "wf", false);
        runBranch(store, "t7", 3.16e-3);
        runBranch(store, "t7", 0.1);
        var plan = new BaselinePlanStage(store, compute).run("t7", false, StageProgress.NONE);
        // No PLR converged within 500 iterations: the first two PLRs are trained on.
        assertThat(plan.converge()).extracting(r -> r.plr()).containsExactly(3.16e-3, 0.1);
        assertThat(plan.twoStage()).isEqualTo(new BaselinePlan.TwoStage(0.1, 3.16e-3));

        long before = compute.stepsTaken();
        new ConvergeStage(store, compute).run("t7", 3.16e-3, 0, false, StageProgress.NONE);
        var result = Json.read(store.get(StudyLayout.converge("t7", 3.16e-3, 0) + "/results.json"),
                BaselineResults.Convergence.class);
        long perEpoch = 512 / 16;
        assertThat(result.converged()).isTrue();
        assertThat(result.steps()).isEqualTo(result.epochs() * perEpoch).isGreaterThan(500).isLessThan(20 * 500);
        assertThat(store.exists(StudyLayout.converge("t7", 3.16e-3, 0) + "/resume.ckpt")).isFalse();
        assertThat(compute.stepsTaken() - before).as("trained from the pre-trained point on")
                .isEqualTo(result.steps() - 500);
        // The same continuation without the stop: its first epoch below 0.01 is where the run stopped.
        var c = Studies.load(store, "t7");
        var setup = (Setup<Weights>) Setups.of(c, compute);
        var pretrained = setup.decode(store.get(StudyLayout.pretrain("t7", 3.16e-3, 0) + "/" + setup.pretrainedPoint()));
        var full = setup.continueTraining(new Branch(c, 3.16e-3, 0), pretrained, 3.16e-3,
                "pretrain-order", 20, false, new MemorySink());
        int firstBelow = 0;
        while (full.epochLoss()[firstBelow] >= c.convergenceLoss()) {
            firstBelow++;
        }
        // Pre-training ends inside epoch 16 (500 = 15·32 + 20): the continuation's first epoch ends at 512.
        assertThat(result.steps()).isEqualTo(512 + firstBelow * perEpoch);

        new TwoStageStage(store, compute).run("t7", 0, false, StageProgress.NONE);
        var twoStage = Json.read(store.get(StudyLayout.twoStage("t7", 0, "finetune") + "/results.json"),
                BaselineResults.TwoStage.class);
        assertThat(twoStage.testAccuracy()).isBetween(0.0, 1.0);
        assertThat(new TwoStageStage(store, compute).run("t7", 0, false, StageProgress.NONE).cached()).isTrue();

        // PLR 0.1 never converges: it trains for the whole budget of 20 pre-training budgets.
        new ConvergeStage(store, compute).run("t7", 0.1, 0, false, StageProgress.NONE);
        var diverged = Json.read(store.get(StudyLayout.converge("t7", 0.1, 0) + "/results.json"),
                BaselineResults.Convergence.class);
        assertThat(diverged.converged()).isFalse();
        assertThat(diverged.steps()).isEqualTo(20 * 500);
        new ReportStage(store, compute).run("t7", false, StageProgress.NONE);
        JsonNode summary = new ObjectMapper().readTree(store.get("studies/t7/report/results.json")).get("summary");
        assertThat(summary.get("train_to_convergence")).hasSize(2);
        assertThat(summary.get("train_to_convergence").get(0).get("steps").asLong()).isEqualTo(result.steps());
        assertThat(summary.get("two_stage").get("plr_first").asDouble()).isEqualTo(0.1);
        assertThat(summary.get("two_stage").get("test_accuracy").asDouble()).isEqualTo(twoStage.testAccuracy());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunTrainedToConvergenceKeepsAResumePointEvery300EpochsAndAStoppedOneEndsBitIdentical() throws Exception {
        Map<String, Object> study = tinyStudy("t10");
        Map<String, Object> o = (Map<String, Object>) study.get("overrides");
        // PLR 0.1 never converges: 29,500 steps from the pre-trained point (iteration 500) to 30,000.
        o.put("plrs", List.of(0.1));
        o.put("pretrainIterations", 500);
        o.put("convergenceBudget", 60);
        FileSystemArtifactStore straight = new FileSystemArtifactStore(root.resolve("straight"));
        // Resume checkpoints are stored slowly here, as on a store far away: the stop's must still be
        // stored before the stage ends.
        var stopping = new SlowResumeWrites(new FileSystemArtifactStore(root.resolve("stopping")));
        for (io.lrsweep.storage.ArtifactStore s : List.of(straight, stopping)) {
            new PlanStage(s).run(study, "wf", false);
            runBranch(s, "t10", 0.1);
            new BaselinePlanStage(s, compute).run("t10", false, StageProgress.NONE);
        }
        new ConvergeStage(straight, compute).run("t10", 0.1, 0, false, StageProgress.NONE);

        // What a worker that dies resumes from: the state at every 300th epoch's end (32 steps each).
        var c = Studies.load(straight, "t10");
        var setup = (Setup<Weights>) Setups.of(c, compute);
        var pretrained = setup.decode(straight.get(StudyLayout.pretrain("t10", 0.1, 0) + "/"
                + setup.pretrainedPoint()));
        List<Long> kept = new ArrayList<>();
        setup.continueTraining(new Branch(c, 0.1, 0), pretrained, 0.1, "pretrain-order", 60, true, new MemorySink() {
            @Override
            public void write(String name, byte[] data) {
                if (name.equals(StageSink.RESUME)) {
                    try {
                        kept.add(io.lrsweep.science.CheckpointFormat.decode(data).state().iteration());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            }
        });
        assertThat(kept).containsExactly(9600L, 19_200L, 28_800L);

        long before = compute.stepsTaken();
        StageProgress shutDown = shutDownAfter(5000, run -> true);
        assertThatThrownBy(() -> new ConvergeStage(stopping, compute).run("t10", 0.1, 0, false, shutDown))
                .isInstanceOf(StageStopped.class).hasMessageContaining("iteration 5500 of 30000");
        String dir = StudyLayout.converge("t10", 0.1, 0);
        assertThat(io.lrsweep.science.CheckpointFormat.decode(stopping.get(dir + "/resume.ckpt")).state().iteration())
                .as("the stop's resume point, stored before the stage ends").isEqualTo(5500);
        new ConvergeStage(stopping, compute).run("t10", 0.1, 0, false, StageProgress.NONE);
        assertThat(compute.stepsTaken() - before).as("steps over both attempts").isEqualTo(29_500);
        assertThat(straight.list(dir)).isNotEmpty().isEqualTo(stopping.list(dir));
        for (String key : straight.list(dir)) {
            if (!key.endsWith("MANIFEST.json")) {
                assertThat(stopping.get(key)).as(key).containsExactly(straight.get(key));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRunAlreadyConvergedInPreTrainingTrainsNothingAndReportsNoTrainingRun() throws Exception {
        Map<String, Object> study = tinyStudy("t9");
        Map<String, Object> o = (Map<String, Object>) study.get("overrides");
        o.put("plrs", List.of(3.16e-3, 0.1));
        // Long enough that PLR 3.16e-3 converges during pre-training (by epoch 19, 608 iterations).
        o.put("pretrainIterations", 1000);
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        new PlanStage(store).run(study, "wf", false);
        new PretrainStage(store, compute).run("t9", 3.16e-3, 0, false, StageProgress.NONE);
        List<TrainingRun> runs = new ArrayList<>();
        StageProgress recording = quietTraining(run -> {
            runs.add(run);
            return TrainingListener.NONE;
        });

        long before = compute.stepsTaken();
        new ConvergeStage(store, compute).run("t9", 3.16e-3, 0, false, recording);
        var result = Json.read(store.get(StudyLayout.converge("t9", 3.16e-3, 0) + "/results.json"),
                BaselineResults.Convergence.class);
        assertThat(result.converged()).isTrue();
        assertThat(result.steps()).isLessThanOrEqualTo(1000);
        assertThat(compute.stepsTaken()).isEqualTo(before);
        assertThat(runs).as("no training run (and no training meters) for a run that trains nothing").isEmpty();
    }

    /** Progress through which the worker is shut down {@code steps} steps into each run that {@code which} picks. */
    private static StageProgress shutDownAfter(long steps, java.util.function.Predicate<TrainingRun> which) {
        return quietTraining(run -> which.test(run) ? new io.lrsweep.science.StopAfter(steps) : TrainingListener.NONE);
    }

    /** Progress that logs nothing and gives each training run the listener {@code listener} picks for it. */
    private static StageProgress quietTraining(java.util.function.Function<TrainingRun, TrainingListener> listener) {
        return new StageProgress() {
            @Override
            public void log(String line) {
            }

            @Override
            public TrainingListener training(TrainingRun run) {
                return listener.apply(run);
            }
        };
    }

    /** A store whose writes of resume checkpoints take 300 ms each; everything else as {@code inner}. */
    private record SlowResumeWrites(FileSystemArtifactStore inner) implements io.lrsweep.storage.ArtifactStore {
        @Override
        public io.lrsweep.storage.StoredObject put(String key, io.lrsweep.storage.Payload data)
                throws java.io.IOException {
            if (key.endsWith(StageSink.RESUME)) {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
            }
            return inner.put(key, data);
        }

        @Override
        public java.io.InputStream open(String key) throws java.io.IOException {
            return inner.open(key);
        }

        @Override
        public Optional<Long> size(String key) throws java.io.IOException {
            return inner.size(key);
        }

        @Override
        public List<String> list(String prefix) throws java.io.IOException {
            return inner.list(prefix);
        }

        @Override
        public void delete(String key) throws java.io.IOException {
            inner.delete(key);
        }

        @Override
        public String describe() {
            return "slow " + inner.describe();
        }
    }

    /** A sink that keeps nothing: for runs whose checkpoints a test does not need. */
    private static class MemorySink implements StageSink {
        @Override
        public String owner() {
            return "test";
        }

        @Override
        public void write(String name, byte[] data) {
        }

        @Override
        public String key(String name) {
            return name;
        }

        @Override
        public Optional<byte[]> resume() {
            return Optional.empty();
        }

        @Override
        public void log(String line) {
        }

        @Override
        public TrainingListener training() {
            return TrainingListener.NONE;
        }
    }

    @Test
    void aFinishedStageIsFoundCachedWithoutTrainingAndForceRecomputes() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        new PlanStage(store).run(tinyStudy("t2"), "wf", false);
        StageOutcome first = new PretrainStage(store, compute).run("t2", 1e-3, 0, false, StageProgress.NONE);
        assertThat(first.cached()).isFalse();
        long steps = compute.stepsTaken();
        StageOutcome again = new PretrainStage(store, compute).run("t2", 1e-3, 0, false, StageProgress.NONE);
        assertThat(again.cached()).isTrue();
        assertThat(again.outputs().get("fingerprint")).isEqualTo(first.outputs().get("fingerprint"));
        assertThat(compute.stepsTaken()).isEqualTo(steps);
        StageOutcome forced = new PretrainStage(store, compute).run("t2", 1e-3, 0, true, StageProgress.NONE);
        assertThat(forced.cached()).isFalse();
        assertThat(compute.stepsTaken()).isGreaterThanOrEqualTo(steps + 1000);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPretrainInterruptedMidwayResumesAndEndsBitIdenticalToAnUninterruptedOne() throws Exception {
        Map<String, Object> study = tinyStudy("t3");
        // Long enough for a resume checkpoint (every 20,000 iterations) before the crash.
        ((Map<String, Object>) study.get("overrides")).put("pretrainIterations", 30_000);
        FileSystemArtifactStore straight = new FileSystemArtifactStore(root.resolve("a"));
        new PlanStage(straight).run(study, "wf", false);
        new PretrainStage(straight, compute).run("t3", 1e-3, 0, false, StageProgress.NONE);

        FileSystemArtifactStore crashing = new FileSystemArtifactStore(root.resolve("b"));
        new PlanStage(crashing).run(study, "wf", false);
        assertThatThrownBy(() -> new PretrainStage(crashing, compute).run("t3", 1e-3, 0, false, line -> {
            if (line.startsWith("iteration 24")) {
                throw new IllegalStateException("worker killed");
            }
        })).hasMessageContaining("worker killed");
        assertThat(crashing.exists("studies/t3/branches/plr=0.001/seed=0/pretrain/MANIFEST.json")).isFalse();
        assertThat(crashing.exists("studies/t3/branches/plr=0.001/seed=0/pretrain/resume.ckpt")).isTrue();
        List<String> log = new ArrayList<>();
        new PretrainStage(crashing, compute).run("t3", 1e-3, 0, false, log::add);
        assertThat(log.get(0)).startsWith("resuming from iteration");
        assertThat(crashing.exists("studies/t3/branches/plr=0.001/seed=0/pretrain/resume.ckpt")).isFalse();
        for (String key : straight.list("studies/t3/branches")) {
            if (!key.endsWith("MANIFEST.json")) {
                assertThat(crashing.get(key)).as(key).containsExactly(straight.get(key));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPretrainKilledInsideTheSwaWindowRebuildsItFromTheLastResumePointBeforeItBitIdentically() throws Exception {
        Map<String, Object> study = tinyStudy("t3");
        // The window is 35,100 to 50,000; resume points come every 20,000 iterations before it.
        ((Map<String, Object>) study.get("overrides")).put("pretrainIterations", 50_000);
        ((Map<String, Object>) study.get("overrides")).put("swaKs", List.of(5, 150));
        FileSystemArtifactStore straight = new FileSystemArtifactStore(root.resolve("a"));
        new PlanStage(straight).run(study, "wf", false);
        new PretrainStage(straight, compute).run("t3", 1e-3, 0, false, StageProgress.NONE);

        FileSystemArtifactStore crashing = new FileSystemArtifactStore(root.resolve("b"));
        new PlanStage(crashing).run(study, "wf", false);
        assertThatThrownBy(() -> new PretrainStage(crashing, compute).run("t3", 1e-3, 0, false, line -> {
            // Epoch ends are logged every tenth of the run: the one after 45,000 falls inside the window.
            if (line.startsWith("iteration 45")) {
                throw new IllegalStateException("worker killed");
            }
        })).hasMessageContaining("worker killed");
        String resume = "studies/t3/branches/plr=0.001/seed=0/pretrain/resume.ckpt";
        assertThat(CheckpointPack.isPack(crashing.get(resume))).as("no resume point inside the window").isFalse();
        assertThat(CheckpointFormat.decode(crashing.get(resume)).state().iteration()).isEqualTo(20_000);
        List<String> log = new ArrayList<>();
        long before = compute.stepsTaken();
        new PretrainStage(crashing, compute).run("t3", 1e-3, 0, false, log::add);
        assertThat(log.get(0)).isEqualTo("resuming from iteration 20000 of an earlier attempt");
        assertThat(compute.stepsTaken() - before).isEqualTo(30_000);
        List<String> keys = straight.list("studies/t3/branches");
        assertThat(keys).contains("studies/t3/branches/plr=0.001/seed=0/pretrain/window.ckpt");
        for (String key : keys) {
            if (!key.endsWith("MANIFEST.json")) {
                assertThat(crashing.get(key)).as(key).containsExactly(straight.get(key));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPretrainStoppedOnRequestWritesItsExactStateAndTheNextAttemptRedoesNoStep() throws Exception {
        Map<String, Object> study = tinyStudy("t7");
        ((Map<String, Object>) study.get("overrides")).put("pretrainIterations", 1500);
        FileSystemArtifactStore straight = new FileSystemArtifactStore(root.resolve("a"));
        new PlanStage(straight).run(study, "wf", false);
        new PretrainStage(straight, compute).run("t7", 1e-3, 0, false, StageProgress.NONE);

        FileSystemArtifactStore stopping = new FileSystemArtifactStore(root.resolve("b"));
        new PlanStage(stopping).run(study, "wf", false);
        long before = compute.stepsTaken();
        StageProgress shutDownAt1234 = shutDownAfter(1234, run -> true);
        assertThatThrownBy(() -> new PretrainStage(stopping, compute).run("t7", 1e-3, 0, false, shutDownAt1234))
                .isInstanceOf(StageStopped.class).hasMessageContaining("iteration 1234 of 1500");
        String resume = "studies/t7/branches/plr=0.001/seed=0/pretrain/resume.ckpt";
        // Inside the SWA window (1,100 to 1,500): the state first, then the window checkpoints kept before it.
        List<byte[]> packed = CheckpointPack.decode(stopping.get(resume));
        assertThat(packed).hasSize(1 + 2);
        assertThat(CheckpointFormat.decode(packed.get(0)).state().iteration()).isEqualTo(1234);
        assertThat(packed.subList(1, 3)).extracting(c -> CheckpointFormat.decode(c).state().iteration())
                .containsExactly(1100L, 1200L);
        new PretrainStage(stopping, compute).run("t7", 1e-3, 0, false, StageProgress.NONE);
        assertThat(compute.stepsTaken() - before).as("steps over both attempts").isEqualTo(1500);
        for (String key : straight.list("studies/t7/branches")) {
            if (!key.endsWith("MANIFEST.json")) {
                assertThat(stopping.get(key)).as(key).containsExactly(straight.get(key));
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aTaskOfSeveralFineTuningRunsCommitsEachAsItEndsAndAStopLosesNoStep() throws Exception {
        Map<String, Object> study = tinyStudy("t9");
        List<Double> flrs = List.of(3.16e-5, 1e-3, 7.5e-3);
        ((Map<String, Object>) study.get("overrides")).put("flrs", flrs);
        FileSystemArtifactStore alone = new FileSystemArtifactStore(root.resolve("alone"));
        new PlanStage(alone).run(study, "wf", false);
        new PretrainStage(alone, compute).run("t9", 1e-3, 0, false, StageProgress.NONE);
        for (double flr : flrs) {
            new FinetuneStage(alone, compute).run("t9", 1e-3, 0, flr, false, StageProgress.NONE);
        }

        FileSystemArtifactStore together = new FileSystemArtifactStore(root.resolve("together"));
        new PlanStage(together).run(study, "wf", false);
        new PretrainStage(together, compute).run("t9", 1e-3, 0, false, StageProgress.NONE);
        long before = compute.stepsTaken();
        // The worker is shut down 123 steps into the task's second run (of 300 each).
        StageProgress shutDown = shutDownAfter(123, run -> run.flr() == 1e-3);
        assertThatThrownBy(() -> new FinetuneStage(together, compute).run("t9", 1e-3, 0, flrs, false, shutDown))
                .isInstanceOf(StageStopped.class);
        assertThat(together.exists(StudyLayout.finetune("t9", 1e-3, 0, 3.16e-5) + "/MANIFEST.json"))
                .as("the first run, committed as it ended").isTrue();
        String resume = StudyLayout.finetune("t9", 1e-3, 0, 1e-3) + "/resume.ckpt";
        assertThat(io.lrsweep.science.CheckpointFormat.decode(together.get(resume)).state().iteration()).isEqualTo(123);
        StageOutcome done = new FinetuneStage(together, compute).run("t9", 1e-3, 0, flrs, false,
                StageProgress.NONE);
        assertThat(compute.stepsTaken() - before).as("steps over both attempts").isEqualTo(3 * 300);
        assertThat((List<Map<String, Object>>) done.outputs().get("runs")).extracting(run -> run.get("outcome"))
                .containsExactly("cached", "completed", "completed");
        assertThat(done.cached()).isFalse();
        int compared = 0;
        for (String key : alone.list("studies/t9/branches/plr=0.001/seed=0")) {
            if (key.contains("/finetune/") && !key.endsWith("MANIFEST.json")) {
                assertThat(together.get(key)).as(key).containsExactly(alone.get(key));
                compared++;
            }
        }
        assertThat(compared).as("final point and curve of each run").isEqualTo(2 * 3);
        assertThat(new FinetuneStage(together, compute).run("t9", 1e-3, 0, flrs, false, StageProgress.NONE).cached())
                .isTrue();
    }

    @Test
    void twoWorkersRunningTheSameStageAtOnceLeaveOneConsistentResult() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        new PlanStage(store).run(tinyStudy("t6"), "wf", false);
        var pool = Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> new PretrainStage(store, compute).run("t6", 1e-3, 0, false, StageProgress.NONE));
            var b = pool.submit(() -> new PretrainStage(store, compute).run("t6", 1e-3, 0, false, StageProgress.NONE));
            assertThat(a.get().outputs().get("fingerprint")).isEqualTo(b.get().outputs().get("fingerprint"));
        } finally {
            pool.shutdown();
        }
        var dir = new StageDirectory(store, StudyLayout.pretrain("t6", 1e-3, 0));
        var manifest = dir.manifest().orElseThrow();
        for (var o : manifest.objects()) {
            dir.readVerified(manifest, o.key().substring(dir.prefix().length() + 1));
        }
        assertThat(new FinetuneStage(store, compute).run("t6", 1e-3, 0, 3.16e-5, false, StageProgress.NONE).cached()).isFalse();
    }

    @Test
    void aCorruptedUpstreamCheckpointIsReportedWithItsKeyAndRecomputedByTheStageThatNeedsIt() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        new PlanStage(store).run(tinyStudy("t4"), "wf", false);
        new PretrainStage(store, compute).run("t4", 1e-3, 0, false, StageProgress.NONE);
        Path ckpt = store.pathOf("studies/t4/branches/plr=0.001/seed=0/pretrain/iter-000001000.ckpt");
        byte[] original = Files.readAllBytes(ckpt);
        byte[] b = original.clone();
        b[b.length / 2] ^= 1;
        Files.write(ckpt, b);
        List<String> log = new ArrayList<>();
        long steps = compute.stepsTaken();
        StageOutcome ft = new FinetuneStage(store, compute).run("t4", 1e-3, 0, 3.16e-5, false, log::add);
        assertThat(ft.cached()).isFalse();
        assertThat(log.get(0)).contains("iter-000001000.ckpt").contains("is corrupt").contains("recomputing pretrain");
        assertThat(Files.readAllBytes(ckpt)).as("the recomputed checkpoint is the original").containsExactly(original);
        assertThat(compute.stepsTaken() - steps).isGreaterThanOrEqualTo(1000 + 300);

        // A lost object (the deleted window) is recomputed the same way.
        Path window = store.pathOf("studies/t4/branches/plr=0.001/seed=0/pretrain/window.ckpt");
        byte[] packed = Files.readAllBytes(window);
        Files.delete(window);
        log.clear();
        assertThat(new AverageStage(store, compute).run("t4", 1e-3, 0, 2, false, log::add).cached()).isFalse();
        assertThat(log.get(0)).contains("window.ckpt").contains("missing");
        assertThat(Files.readAllBytes(window)).containsExactly(packed);

    }

    @Test
    @SuppressWarnings("unchecked")
    void anUnreadableResumeCheckpointIsNamedAndTheStageStartsOver() throws Exception {
        Map<String, Object> study = tinyStudy("t8");
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        new PlanStage(store).run(study, "wf", false);
        String resume = "studies/t8/branches/plr=0.001/seed=0/pretrain/resume.ckpt";
        store.put(resume, java.util.Arrays.copyOf(io.lrsweep.science.CheckpointFormat.encode("x",
                io.lrsweep.science.TrainingState.start(io.lrsweep.science.SiMlp.initialise(0))), 40));
        List<String> log = new java.util.ArrayList<>();
        new PretrainStage(store, compute).run("t8", 1e-3, 0, false, log::add);
        assertThat(log.get(0)).contains(resume).contains("unreadable").contains("starting over");
        assertThat(store.exists(resume)).isFalse();
    }

    @Test
    @SuppressWarnings("unchecked")
    void stagesRefuseValuesOutsideTheStudyGrid() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        new PlanStage(store).run(tinyStudy("t5"), "wf", false);
        assertThatThrownBy(() -> new PretrainStage(store, compute).run("t5", 0.5, 0, false, StageProgress.NONE))
                .isInstanceOf(InvalidStudyException.class).hasMessageStartingWith("plr:");
        assertThatThrownBy(() -> new PretrainStage(store, compute).run("t5", 1e-3, 3, false, StageProgress.NONE))
                .hasMessageStartingWith("seed:");
        assertThatThrownBy(() -> new PretrainStage(store, compute).run("nope", 1e-3, 0, false, StageProgress.NONE))
                .hasMessageStartingWith("studyId: no study 'nope'");
        Map<String, Object> changed = tinyStudy("t5");
        ((Map<String, Object>) changed.get("overrides")).put("seeds", 2);
        assertThatThrownBy(() -> new PlanStage(store).run(changed, "wf", false))
                .hasMessageContaining("already exists with a different configuration");
    }
}
