package io.lrsweep.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrsweep.DebianFashionMnist;
import io.lrsweep.TinyImageStudy;
import io.lrsweep.science.TrainingListener;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.setup.StageSink;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.study.BranchResults;
import io.lrsweep.study.Features;
import io.lrsweep.study.InvalidStudyException;
import io.lrsweep.study.StudyPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image stages on the real Fashion-MNIST files of Debian's package (a few hundred images). */
class ImageStagesTest {
    @TempDir
    Path root;
    private ComputeContext compute;

    @BeforeEach
    void context() {
        compute = ComputeContext.cpu(root.resolve("datasets"));
    }

    @BeforeAll
    static void fashionMnistIsInstalled() {
        DebianFashionMnist.require();
    }

    private void runBranch(FileSystemArtifactStore store, String id, double plr) throws Exception {
        new PretrainStage(store, compute).run(id, plr, 0, false, StageProgress.NONE);
        for (double flr : List.of(1e-3, 1e-2)) {
            new FinetuneStage(store, compute).run(id, plr, 0, flr, false, StageProgress.NONE);
        }
        for (int k : List.of(1, 2)) {
            new AverageStage(store, compute).run(id, plr, 0, k, false, StageProgress.NONE);
        }
        new AnalyzeStage(store, compute).run(id, plr, 0, false, StageProgress.NONE);
    }

    /** Progress that drops log lines and reports every training run to {@code listener}. */
    private static StageProgress reportingTo(TrainingListener listener) {
        return new StageProgress() {
            @Override
            public void log(String line) {
            }

            @Override
            public TrainingListener training(TrainingRun run) {
                return listener;
            }
        };
    }

    @Test
    void aTinyImageStudyRunsThroughEveryStageAndReportsBandAccuracies() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        new PlanStage(store).run(TinyImageStudy.input("img", Map.of()), "wf", false);
        runBranch(store, "img", 1e-3);
        runBranch(store, "img", 0.3);
        BranchResults r = AnalyzeStage.load(store, "img", 1e-3, 0);
        assertThat(r.recentTestAccuracy()).isBetween(0.0, 1.0);
        assertThat(((Features.Bands) r.pretrain().features()).accuracy()).containsOnlyKeys("background", "low", "mid", "high");
        assertThat(r.geometry()).hasSize(3).allSatisfy(g -> {
            assertThat(g.trainErrorCurve()).hasSize(21);
            assertThat(g.angle()).isBetween(0.0, Math.PI);
        });
        assertThat(r.average()).extracting(BranchResults.Point::k).containsExactly(1, 2);
        assertThat(r.sharpness().pretrain().trace()).isFinite().isNotZero();
        assertThat(r.sharpness().finetuneLow().topEigenvalue()).isFinite().isNotZero();
        // Every stage is cached on a second run: no training step is taken.
        long steps = compute.stepsTaken();
        runBranch(store, "img", 1e-3);
        assertThat(compute.stepsTaken()).isEqualTo(steps);
        new ReportStage(store, compute).run("img", false, StageProgress.NONE);
        Path report = store.pathOf("studies/img/report/index.html").getParent();
        assertThat(report.resolve("results.csv")).content().contains("band_low_test_accuracy");
        assertThat(report.resolve("figures/features-bands-finetune_low.png")).exists();
    }

    @Test
    void aPretrainStageRestartedFromItsEpochCheckpointEndsBitIdentical() throws Exception {
        Map<String, Object> longer = Map.of("pretrainEpochs", 4, "recentEpochs", 2);
        FileSystemArtifactStore straight = new FileSystemArtifactStore(root.resolve("straight"));
        new PlanStage(straight).run(TinyImageStudy.input("r", longer), "wf", false);
        new PretrainStage(straight, compute).run("r", 1e-3, 0, false, StageProgress.NONE);

        FileSystemArtifactStore interrupted = new FileSystemArtifactStore(root.resolve("interrupted"));
        new PlanStage(interrupted).run(TinyImageStudy.input("r", longer), "wf", false);
        StageProgress dies = reportingTo(new TrainingListener() {
            @Override
            public void onEpoch(long epoch, long iteration, double meanLoss, double accuracy) {
                if (epoch == 2) {
                    throw new IllegalStateException("worker killed during epoch 3");
                }
            }
        });
        assertThatThrownBy(() -> new PretrainStage(interrupted, compute).run("r", 1e-3, 0, false, dies))
                .hasMessageContaining("killed");
        String dir = StudyLayout.pretrain("r", 1e-3, 0);
        assertThat(interrupted.exists(dir + "/" + StageSink.RESUME)).isTrue();
        long before = compute.stepsTaken();
        new PretrainStage(interrupted, compute).run("r", 1e-3, 0, false, StageProgress.NONE);
        // 4 + 2 − 1 = 5 epochs of 4 batches; the restart repeats only epochs 3..5.
        assertThat(compute.stepsTaken() - before).isEqualTo(3 * 4);
        for (String name : List.of("epoch-0004.ckpt", "epoch-0005.ckpt", "curve.json")) {
            assertThat(Files.readAllBytes(interrupted.pathOf(dir + "/" + name)))
                    .as(name).isEqualTo(Files.readAllBytes(straight.pathOf(dir + "/" + name)));
        }
    }

    @Test
    void twoImageStudiesWithDifferentDataOnOneWorkerLeaveEachOthersDataAlone() throws Exception {
        // Study "a" trains on 256 images, study "b" on 128: two data sets on one worker's device.
        FileSystemArtifactStore store = new FileSystemArtifactStore(root.resolve("shared"));
        Map<String, Object> longer = Map.of("pretrainEpochs", 4, "recentEpochs", 1);
        new PlanStage(store).run(TinyImageStudy.input("a", longer), "wf", false);
        Map<String, Object> smaller = new HashMap<>(longer);
        smaller.put("trainSize", 128);
        new PlanStage(store).run(TinyImageStudy.input("b", smaller), "wf", false);
        CountDownLatch aTraining = new CountDownLatch(1);
        StageProgress signals = reportingTo(new TrainingListener() {
            @Override
            public void onStep(long iteration, int samples, long nanos) {
                aTraining.countDown();
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<StageOutcome> a = pool.submit(() -> new PretrainStage(store, compute).run("a", 1e-3, 0, false,
                    signals));
            assertThat(aTraining.await(2, TimeUnit.MINUTES)).as("study a started training").isTrue();
            // Study b's data is loaded while study a trains on its own.
            Future<StageOutcome> b = pool.submit(() -> new PretrainStage(store, compute).run("b", 1e-3, 0, false,
                    StageProgress.NONE));
            assertThat(a.get().cached()).isFalse();
            assertThat(b.get().cached()).isFalse();
        } finally {
            pool.shutdown();
        }
        assertThat(compute.data().imageSetsLoaded()).as("both data sets stay until one is needed by no one").isEqualTo(2);
        // Each study ends exactly as it would alone on a worker of its own.
        for (String id : List.of("a", "b")) {
            FileSystemArtifactStore alone = new FileSystemArtifactStore(root.resolve("alone-" + id));
            new PlanStage(alone).run(TinyImageStudy.input(id, id.equals("a") ? longer : smaller), "wf", false);
            try (ComputeContext own = ComputeContext.cpu(root.resolve("datasets"))) {
                new PretrainStage(alone, own).run(id, 1e-3, 0, false, StageProgress.NONE);
            }
            String dir = StudyLayout.pretrain(id, 1e-3, 0);
            for (String name : List.of("epoch-0004.ckpt", "epoch-0005.ckpt", StudyLayout.CURVE)) {
                assertThat(store.get(dir + "/" + name)).as(id + " " + name).isEqualTo(alone.get(dir + "/" + name));
            }
        }
    }

    @Test
    void thePracticalResNetRunsThroughTheStagesWithMomentumAndNoSphere() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        new PlanStage(store).run(TinyImageStudy.input("practical", Map.of("model", "resnet18", "plrs",
                List.of(0.05), "momentum", 0.9, "weightDecay", 5e-4)), "wf", false);
        runBranch(store, "practical", 0.05);
        BranchResults r = AnalyzeStage.load(store, "practical", 0.05, 0);
        assertThat(r.pretrain().testAccuracy()).isBetween(0.0, 1.0);
        // Angles over all trained weights: the two fine-tuned points moved apart from each other.
        assertThat(r.geometry()).allSatisfy(g -> assertThat(g.angle()).isGreaterThan(0).isLessThan(Math.PI));
    }

    @Test
    void thePaperPresetsPlanOneBranchPerPlr() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        for (String preset : List.of("cifar10-si-resnet18-paper", "cifar10-si-convnet-paper",
                "cifar100-si-convnet-paper", "cifar100-si-resnet18-paper", "cifar10-resnet18-practical")) {
            StudyPlan plan = new PlanStage(store).run(Map.of("preset", preset, "studyId", preset), "wf", false);
            int plrs = io.lrsweep.study.Presets.find(preset).orElseThrow().plrs().size();
            assertThat(plan.branches()).as(preset).hasSize(plrs);
            assertThat(store.exists(StudyLayout.studyJson(preset))).isTrue();
        }
    }

    @Test
    void imageStudiesRejectBadFieldsByName() throws Exception {
        FileSystemArtifactStore store = new FileSystemArtifactStore(root);
        assertThatThrownBy(() -> new PlanStage(store).run(TinyImageStudy.input("b", Map.of("model", "vgg")), "wf",
                false)).isInstanceOf(InvalidStudyException.class).hasMessageContaining("model");
        assertThatThrownBy(() -> new PlanStage(store).run(TinyImageStudy.input("b", Map.of("momentum", 0.9)), "wf",
                false)).isInstanceOf(InvalidStudyException.class).hasMessageContaining("momentum")
                .hasMessageContaining("sphere");
        assertThatThrownBy(() -> new PlanStage(store).run(TinyImageStudy.input("b", Map.of("dataset", "mnist")), "wf",
                false)).isInstanceOf(InvalidStudyException.class).hasMessageContaining("dataset");
        assertThatThrownBy(() -> new PlanStage(store).run(TinyImageStudy.input("b",
                Map.of("dataset", "cifar10", "dataSource", "https://user:secret@example.org/c.tar.gz")), "wf", false))
                .isInstanceOf(InvalidStudyException.class).hasMessageContaining("dataSource")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> new PlanStage(store).run(TinyImageStudy.input("b", Map.of("recentEpochs", 3)), "wf",
                false)).isInstanceOf(InvalidStudyException.class).hasMessageContaining("recentEpochs");
    }
}
