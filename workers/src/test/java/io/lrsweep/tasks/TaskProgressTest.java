package io.lrsweep.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrsweep.TinyStudy;
import io.lrsweep.monitoring.Exposition;
import io.lrsweep.monitoring.WorkerIdentity;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.science.TrainingListener;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.stages.AnalyzeStage;
import io.lrsweep.stages.AverageStage;
import io.lrsweep.stages.FinetuneStage;
import io.lrsweep.stages.PlanStage;
import io.lrsweep.stages.PretrainStage;
import io.lrsweep.stages.StageOutcome;
import io.lrsweep.stages.StageProgress;
import io.lrsweep.stages.TrainingRun;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.study.BranchResults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stages' progress reaching a worker's metrics through TaskProgress, on a real store and real training. */
class TaskProgressTest {
    @TempDir
    Path root;
    private final WorkerMetrics metrics = new WorkerMetrics(new WorkerIdentity("w", "none", "none"));

    private final ComputeContext compute = ComputeContext.cpu(Path.of("unused-datasets"));

    @AfterEach
    void close() {
        metrics.close();
        compute.close();
    }

    /** A TaskProgress whose training listener also keeps a scrape taken at the first epoch, while the run is in flight. */
    private StageProgress recording(TaskProgress progress, AtomicReference<String> duringTraining) {
        return new StageProgress() {
            @Override
            public void log(String line) {
                progress.log(line);
            }

            @Override
            public TrainingListener training(TrainingRun run) {
                return progress.training(run).andThen(new TrainingListener() {
                    @Override
                    public void onEpoch(long epoch, long iteration, double meanLoss, double accuracy) {
                        if (duringTraining.get() == null) {
                            duringTraining.set(metrics.scrape());
                        }
                    }
                });
            }

            @Override
            public void tested(TrainingRun run, double testAccuracy) {
                progress.tested(run, testAccuracy);
            }

            @Override
            public void checkpointStored(String stage, long bytes, long nanos) {
                progress.checkpointStored(stage, bytes, nanos);
            }

            @Override
            public void analysed(String studyId, BranchResults results) {
                progress.analysed(studyId, results);
            }
        };
    }

    @Test
    void aPretrainingShowsItsCurveWhileItRunsAndLeavesItsTestAccuracySamplesAndCheckpoints() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        new PlanStage(store).run(TinyStudy.input("m1", Map.of("plrs", List.of(1e-3))), "wf", false);
        AtomicReference<String> during = new AtomicReference<>();
        List<String> log = new ArrayList<>();
        StageOutcome outcome;
        try (TaskProgress progress = new TaskProgress(log::add, metrics)) {
            outcome = new PretrainStage(store, compute).run("m1", 1e-3, 0, false, recording(progress, during));
        }
        Map<String, String> run = Map.of("study", "m1", "stage", "pretrain", "plr", "0.001", "flr", "none", "seed",
                "0");
        Exposition first = Exposition.parse(during.get());
        assertThat(first.value("lrsweep_train_epoch", run)).isEqualTo(1.0);
        assertThat(first.value("lrsweep_train_loss", run)).isPositive();
        assertThat(first.find("lrsweep_train_accuracy_ratio", run)).hasSize(1);

        Exposition after = Exposition.parse(metrics.scrape());
        assertThat(after.find("lrsweep_train_epoch", Map.of())).as("the run ended").isEmpty();
        Map<?, ?> manifestMetrics = (Map<?, ?>) outcome.outputs().get("metrics");
        assertThat(after.value("lrsweep_test_accuracy_ratio", run))
                .isEqualTo(((Number) manifestMetrics.get("testAccuracy")).doubleValue());
        int batch = 16;
        assertThat(after.value("lrsweep_train_samples_total", Map.of("study", "m1", "stage", "pretrain")))
                .isEqualTo(1000.0 * batch);
        assertThat(after.value("lrsweep_train_step_duration_seconds_count", Map.of("stage", "pretrain")))
                .isEqualTo(1000.0);
        // The window (the last max K = 5 checkpoints, one object) and the pre-trained point are the
        // checkpoints this run wrote.
        long written = 0;
        List<String> ckpts = store.list("studies/m1/branches/plr=0.001/seed=0/pretrain").stream()
                .filter(k -> k.endsWith(".ckpt")).toList();
        for (String k : ckpts) {
            written += store.size(k).orElseThrow();
        }
        assertThat(ckpts).hasSize(2);
        assertThat(after.value("lrsweep_checkpoint_bytes_total", Map.of("stage", "pretrain"))).isEqualTo(written);
        assertThat(after.value("lrsweep_checkpoint_upload_duration_seconds_count", Map.of("stage", "pretrain")))
                .isEqualTo(2.0);
        assertThat(log).anySatisfy(l -> assertThat(l).startsWith("pretrain plr=0.001 seed=0 done"));
    }

    @Test
    void aFinishedAnalysisExportsItsBarriersAnglesAndAccuracies() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        new PlanStage(store).run(TinyStudy.input("m1", Map.of("plrs", List.of(1e-3))), "wf", false);
        new PretrainStage(store, compute).run("m1", 1e-3, 0, false, StageProgress.NONE);
        for (double flr : List.of(3.16e-5, 7.5e-3)) {
            new FinetuneStage(store, compute).run("m1", 1e-3, 0, flr, false, StageProgress.NONE);
        }
        for (int k : List.of(2, 5)) {
            new AverageStage(store, compute).run("m1", 1e-3, 0, k, false, StageProgress.NONE);
        }
        try (TaskProgress progress = new TaskProgress(line -> {
        }, metrics)) {
            new AnalyzeStage(store, compute).run("m1", 1e-3, 0, false, progress);
        }
        BranchResults r = AnalyzeStage.load(store, "m1", 1e-3, 0);
        Exposition scrape = Exposition.parse(metrics.scrape());
        Map<String, String> branch = Map.of("study", "m1", "plr", "0.001", "seed", "0");
        for (BranchResults.Geometry g : r.geometry()) {
            Map<String, String> pair = new HashMap<>(branch);
            pair.put("pair", g.pair());
            assertThat(scrape.value("lrsweep_analysis_angle_radians", pair)).isEqualTo(g.angle());
            pair.put("split", "test");
            assertThat(scrape.value("lrsweep_analysis_barrier_ratio", pair)).isEqualTo(g.barrierTest());
            pair.put("split", "train");
            assertThat(scrape.value("lrsweep_analysis_barrier_ratio", pair)).isEqualTo(g.barrierTrain());
        }
        Map<String, String> pre = new HashMap<>(branch);
        pre.putAll(Map.of("point", "pretrain", "flr", "none", "k", "none"));
        assertThat(scrape.value("lrsweep_analysis_test_accuracy_ratio", pre)).isEqualTo(r.pretrain().testAccuracy());
        assertThat(scrape.find("lrsweep_analysis_test_accuracy_ratio", Map.of("point", "finetune"))).hasSize(2);
        assertThat(scrape.value("lrsweep_analysis_test_accuracy_ratio", Map.of("point", "average", "k", "5")))
                .isEqualTo(r.average().stream().filter(p -> p.k() == 5).findFirst().orElseThrow().testAccuracy());
    }
}
