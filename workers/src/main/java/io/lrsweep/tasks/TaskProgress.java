package io.lrsweep.tasks;

import io.lrsweep.monitoring.AnalysisMetrics;
import io.lrsweep.monitoring.TrainingMetrics;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.science.TrainingListener;
import io.lrsweep.stages.StageProgress;
import io.lrsweep.stages.TrainingRun;
import io.lrsweep.study.BranchResults;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The progress of one task: lines go to the task's log, numbers to the worker's metrics, and a
 * stop request of the worker reaches the training at its next step. Closing it ends the series of
 * every training run it opened, whether the stage finished or failed.
 */
public final class TaskProgress implements StageProgress, AutoCloseable {
    private final Consumer<String> log;
    private final WorkerMetrics metrics;
    private final BooleanSupplier stopRequested;
    private final Map<TrainingRun, TrainingMetrics.RunMeters> runs = new ConcurrentHashMap<>();

    public TaskProgress(Consumer<String> log, WorkerMetrics metrics) {
        this(log, metrics, () -> false);
    }

    /** @param stopRequested whether the worker asks running stages to stop at their next step */
    public TaskProgress(Consumer<String> log, WorkerMetrics metrics, BooleanSupplier stopRequested) {
        this.log = log;
        this.metrics = metrics;
        this.stopRequested = stopRequested;
    }

    @Override
    public void log(String line) {
        log.accept(line);
    }

    @Override
    public TrainingListener training(TrainingRun run) {
        TrainingMetrics.RunMeters meters = metrics.training().run(run.studyId(), run.stage(), run.plr(), run.flr(),
                run.seed());
        runs.put(run, meters);
        return new TrainingListener() {
            @Override
            public void onStep(long iteration, int samples, long nanos) {
                meters.step(samples, nanos);
            }

            @Override
            public void onEpoch(long epoch, long iteration, double meanLoss, double accuracy) {
                meters.epoch(epoch + 1, meanLoss, accuracy);
            }

            @Override
            public boolean stopRequested() {
                return stopRequested.getAsBoolean();
            }
        };
    }

    @Override
    public void tested(TrainingRun run, double testAccuracy) {
        TrainingMetrics.RunMeters meters = runs.get(run);
        if (meters != null) {
            meters.tested(testAccuracy);
        }
    }

    @Override
    public void checkpointStored(String stage, long bytes, long nanos) {
        metrics.training().checkpointStored(stage, bytes, nanos);
    }

    @Override
    public void analysed(String studyId, BranchResults r) {
        AnalysisMetrics.Branch branch = metrics.analysis().branch(studyId, r.plr(), r.seed());
        for (BranchResults.Geometry g : r.geometry()) {
            branch.angle(g.pair(), g.angle()).barrier(g.pair(), "train", g.barrierTrain())
                    .barrier(g.pair(), "test", g.barrierTest());
        }
        // Test accuracies only: the paper's figures use them; train accuracies stay in results.json.
        branch.testAccuracy(r.pretrain().point(), null, null, r.pretrain().testAccuracy());
        r.finetune().forEach(p -> branch.testAccuracy(p.point(), p.flr(), null, p.testAccuracy()));
        r.average().forEach(p -> branch.testAccuracy(p.point(), null, p.k(), p.testAccuracy()));
    }

    @Override
    public void close() {
        runs.values().forEach(TrainingMetrics.RunMeters::close);
        runs.clear();
    }
}
