package io.lrsweep.stages;

import io.lrsweep.science.CheckpointFormat;
import io.lrsweep.science.ProjectedSgd;
import io.lrsweep.science.Samples;
import io.lrsweep.science.TrainingListener;
import io.lrsweep.science.TrainingState;
import io.lrsweep.storage.StageDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongPredicate;

/**
 * A training run inside a stage that survives restarts: every {@code resumeEvery} iterations the
 * full state goes to {@code resume.ckpt} (tagged with the stage fingerprint), and a restarted
 * attempt continues from there. Checkpoints that {@code keep} selects are written as window
 * checkpoints.
 */
final class ResumableTraining {
    static final String RESUME = "resume.ckpt";

    private ResumableTraining() {
    }

    static TrainingState run(TrainingRun run, StageDirectory dir, String fingerprint, TrainingState start,
                             Samples train, long orderSeed, ProjectedSgd.Schedule schedule, long resumeEvery,
                             LongPredicate keep, StageProgress progress) throws IOException {
        TrainingState from = start;
        var saved = dir.readUnverified(RESUME);
        if (saved.isPresent()) {
            try {
                CheckpointFormat.Checkpoint c = CheckpointFormat.decode(saved.get());
                if (c.owner().equals(fingerprint) && c.state().iteration() <= schedule.iterations()) {
                    from = c.state();
                    progress.log("resuming from iteration " + from.iteration() + " of an earlier attempt");
                } else {
                    progress.log("ignoring a resume checkpoint of a different configuration");
                }
            } catch (IOException e) {
                progress.log("ignoring an unreadable resume checkpoint: " + e.getMessage());
            }
        }
        long tenth = Math.max(1, schedule.iterations() / 10);
        TrainingListener stage = new TrainingListener() {
            @Override
            public void onEpoch(long epoch, long iteration, double meanLoss, double accuracy) {
                if (iteration / tenth != (iteration - train.count() / schedule.batchSize()) / tenth) {
                    progress.log(String.format("iteration %d/%d epoch %d: train loss %.4f, train accuracy %.4f",
                            iteration, schedule.iterations(), epoch + 1, meanLoss, accuracy));
                }
            }

            @Override
            public void onCheckpoint(TrainingState snapshot) {
                try {
                    long it = snapshot.iteration();
                    if (keep.test(it)) {
                        Checkpoints.write(dir, run.stage(), StudyLayout.windowCheckpoint(it),
                                CheckpointFormat.encodeWeights(it, snapshot.weights()), progress);
                    }
                    if (it % resumeEvery == 0 && it < schedule.iterations()) {
                        Checkpoints.write(dir, run.stage(), RESUME, CheckpointFormat.encode(fingerprint, snapshot),
                                progress);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        try {
            return ProjectedSgd.train(from, train, orderSeed, schedule, progress.training(run).andThen(stage));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
