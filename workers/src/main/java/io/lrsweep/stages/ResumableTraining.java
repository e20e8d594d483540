package io.lrsweep.stages;

import io.lrsweep.science.CheckpointFormat;
import io.lrsweep.science.ProjectedSgd;
import io.lrsweep.science.Samples;
import io.lrsweep.science.TrainingListener;
import io.lrsweep.science.TrainingState;
import io.lrsweep.storage.StageDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.function.LongPredicate;
import java.util.function.Predicate;

/**
 * A training run inside a stage that survives restarts: every {@code resumeEvery} iterations the
 * full state goes to {@code resume.ckpt} (tagged with the stage fingerprint), and a restarted
 * attempt continues from there. Checkpoints that {@code keep} selects are written as window
 * checkpoints. A run stopped on request writes its exact state there too and ends the stage with
 * {@link StageStopped}.
 */
final class ResumableTraining {
    static final String RESUME = "resume.ckpt";

    private ResumableTraining() {
    }

    /** A decoded resume checkpoint: the fingerprint of the stage that wrote it and its state. */
    record Saved<T>(String owner, T state) {
    }

    /** Decodes a resume checkpoint of one kind (synthetic or image). */
    @FunctionalInterface
    interface ResumeDecoder<T> {
        Saved<T> decode(byte[] data) throws IOException;
    }

    /**
     * The state in {@value #RESUME} when an earlier attempt of this very stage (same fingerprint)
     * left one that {@code fits} the schedule; a checkpoint of another configuration or an
     * unreadable one is ignored, and said so.
     */
    static <T> Optional<T> savedAttempt(StageDirectory dir, String fingerprint, ResumeDecoder<T> decoder,
                                        Predicate<T> fits, StageProgress progress) throws IOException {
        var saved = dir.readUnverified(RESUME);
        if (saved.isEmpty()) {
            return Optional.empty();
        }
        try {
            Saved<T> s = decoder.decode(saved.get());
            if (s.owner().equals(fingerprint) && fits.test(s.state())) {
                return Optional.of(s.state());
            }
            progress.log("ignoring " + dir.key(RESUME) + ": a resume checkpoint of a different configuration");
        } catch (IOException e) {
            progress.log("ignoring " + dir.key(RESUME) + ", an unreadable resume checkpoint (" + e.getMessage()
                    + "): starting over");
        }
        return Optional.empty();
    }

    static TrainingState run(TrainingRun run, StageDirectory dir, String fingerprint, TrainingState start,
                             Samples train, long orderSeed, ProjectedSgd.Schedule schedule, long resumeEvery,
                             LongPredicate keep, StageProgress progress) throws IOException {
        Optional<TrainingState> resumed = savedAttempt(dir, fingerprint, data -> {
            CheckpointFormat.Checkpoint c = CheckpointFormat.decode(data);
            return new Saved<>(c.owner(), c.state());
        }, s -> s.iteration() <= schedule.iterations(), progress);
        resumed.ifPresent(s -> progress.log("resuming from iteration " + s.iteration() + " of an earlier attempt"));
        TrainingState from = resumed.orElse(start);
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
        TrainingState end;
        try {
            end = ProjectedSgd.train(from, train, orderSeed, schedule, progress.training(run).andThen(stage));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (end.iteration() < schedule.iterations()) {
            Checkpoints.write(dir, run.stage(), RESUME, CheckpointFormat.encode(fingerprint, end), progress);
            throw new StageStopped("stopped on request at iteration " + end.iteration() + " of "
                    + schedule.iterations() + "; the resume checkpoint holds that exact state");
        }
        return end;
    }
}
