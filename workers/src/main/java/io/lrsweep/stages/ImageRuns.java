package io.lrsweep.stages;

import io.lrsweep.science.Evaluation;
import io.lrsweep.science.TrainingListener;
import io.lrsweep.science.images.BnMode;
import io.lrsweep.science.images.EpochSchedule;
import io.lrsweep.science.images.ImageCheckpointFormat;
import io.lrsweep.science.images.ImageEvaluation;
import io.lrsweep.science.images.ImageTraining;
import io.lrsweep.science.images.ImageTrainingState;
import io.lrsweep.science.images.Network;
import io.lrsweep.science.images.NetworkState;
import io.lrsweep.science.images.TensorData;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.study.StudyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

/** What the image stages share: schedules, resumable epoch training, evaluation and point I/O. */
final class ImageRuns {
    /** Batch size of evaluation and BN recomputation passes (no gradients, so larger than training's). */
    static final int EVAL_BATCH = 500;

    private ImageRuns() {
    }

    /** Fingerprint fields of an image branch beyond those every stage has. */
    static void addInputs(Map<String, Object> in, StudyConfig c) {
        in.put("width", c.width());
        in.put("dataset", c.dataset());
        in.put("dataSource", c.dataSource());
        in.put("testSize", c.testSize());
        in.put("momentum", c.momentum());
        in.put("weightDecay", c.weightDecay());
    }

    /** Training on the sphere with the ELR for SI models; ordinary SGD with {@code rate} otherwise. */
    static EpochSchedule schedule(StudyConfig c, Network net, double rate, int epochs) {
        var arch = net.spec().architecture();
        return arch.scaleInvariant() ? EpochSchedule.onSphere(epochs, c.batchSize(), rate, arch.rho())
                : new EpochSchedule(epochs, c.batchSize(), rate, c.momentum(), c.weightDecay(), false);
    }

    /**
     * Trains with a checkpoint after every epoch: {@code resume.ckpt} holds the full state (a
     * restarted attempt continues from it, losing at most one epoch), and the epochs that
     * {@code keep} selects (1-based epoch counts) are also written as points. Stopped on request,
     * it writes the exact state inside the epoch there and ends the stage with {@link StageStopped}.
     */
    static ImageTrainingState train(TrainingRun run, StageDirectory dir, String fingerprint, Network net,
                                    ImageTrainingState start, TensorData train, long orderSeed, EpochSchedule schedule,
                                    ImageTraining.Probe probe, IntPredicate keep, StageProgress progress)
            throws IOException {
        Optional<ImageTrainingState> resumed = ResumableTraining.savedAttempt(dir, fingerprint, data -> {
            var c = ImageCheckpointFormat.decode(data);
            return new ResumableTraining.Saved<>(c.owner(), c.state());
        }, s -> s.epoch() <= schedule.epochs(), progress);
        resumed.ifPresent(s -> progress.log("resuming after epoch " + s.epoch()
                + (s.partial().batches() > 0 ? " and " + s.partial().batches() + " batches" : "")
                + " of an earlier attempt"));
        ImageTrainingState from = resumed.orElse(start);
        TrainingListener log = new TrainingListener() {
            @Override
            public void onEpoch(long epoch, long iteration, double meanLoss, double accuracy) {
                progress.log(String.format("epoch %d/%d: train loss %.4f, train accuracy %.4f", epoch + 1,
                        schedule.epochs(), meanLoss, accuracy));
            }
        };
        ImageTrainingState end;
        try {
            end = ImageTraining.train(net, from, train, orderSeed, schedule, probe,
                    progress.training(run).andThen(log), state -> {
                        try {
                            if (keep.test(state.epoch())) {
                                Checkpoints.write(dir, run.stage(), epochCheckpoint(state.epoch()),
                                        ImageCheckpointFormat.encodePoint(state.epoch(), state.network()), progress);
                            }
                            if (state.epoch() < schedule.epochs()) {
                                Checkpoints.write(dir, run.stage(), ResumableTraining.RESUME,
                                        ImageCheckpointFormat.encode(fingerprint, state), progress);
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (end.epoch() < schedule.epochs()) {
            Checkpoints.write(dir, run.stage(), ResumableTraining.RESUME, ImageCheckpointFormat.encode(fingerprint, end),
                    progress);
            throw new StageStopped("stopped on request after " + end.epoch() + " of " + schedule.epochs()
                    + " epochs and " + end.partial().batches() + " batches; the resume checkpoint holds that exact state");
        }
        return end;
    }

    static String epochCheckpoint(int epoch) {
        return String.format("epoch-%04d.ckpt", epoch);
    }

    /** The point stored as {@code name} in a finished stage, verified against its manifest. */
    static NetworkState point(PointLoader.Finished stage, String name) throws IOException {
        return ImageCheckpointFormat.decode(stage.dir().readVerified(stage.manifest(), name)).state().network();
    }

    static Evaluation test(Network net, ImageTensors data) {
        return ImageEvaluation.evaluate(net, data.test(), BnMode.EVAL, EVAL_BATCH);
    }

    /** A curve for JSON, which has no NaN: unmeasured entries become null. */
    static Map<String, Object> curve(ImageTrainingState s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("epochLoss", s.epochLoss());
        out.put("epochAccuracy", s.epochAccuracy());
        out.put("epochTestAccuracy", Arrays.stream(s.epochTestAccuracy()).mapToObj(v -> Double.isNaN(v) ? null : v)
                .toList());
        return out;
    }
}
