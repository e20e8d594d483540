package io.lrsweep.stages;

import io.lrsweep.science.Elr;
import io.lrsweep.science.ProjectedSgd;
import io.lrsweep.science.SeededRandom;
import io.lrsweep.science.SiMlp;
import io.lrsweep.science.TrainingState;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Fingerprint;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pre-training with the PLR from a seeded initialisation. Keeps the last max-K checkpoints (100
 * iterations apart in the paper's protocol) as the SWA window; the last one is the pre-trained point.
 */
public final class PretrainStage {
    public static final String NAME = "pretrain";
    private final ArtifactStore store;

    public PretrainStage(ArtifactStore store) {
        this.store = store;
    }

    public StageOutcome run(String studyId, double plr, int seed, boolean force, StageProgress progress)
            throws IOException {
        Branch b = new Branch(Studies.load(store, studyId), plr, seed);
        if (b.config().isImage()) {
            return new ImagePretrainStage(store).run(b, force, progress);
        }
        StageDirectory dir = new StageDirectory(store, StudyLayout.pretrain(studyId, plr, seed));
        Map<String, Object> inputs = StageCache.inputs(NAME, b);
        inputs.put("iterations", b.config().pretrainIterations());
        inputs.put("checkpointEvery", b.config().checkpointEvery());
        inputs.put("window", b.config().maxK());
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, NAME, fingerprint, force);
        if (cached.isPresent()) {
            return cached.get();
        }
        long firstKept = b.windowIteration(b.config().maxK() - 1);
        long started = System.nanoTime();
        long stepsBefore = ProjectedSgd.STEPS_TAKEN.get();
        var schedule = new ProjectedSgd.Schedule(b.config().pretrainIterations(), new Elr(plr),
                b.config().batchSize(), b.config().checkpointEvery());
        TrainingRun run = new TrainingRun(studyId, NAME, plr, null, seed);
        TrainingState end = ResumableTraining.run(run, dir, fingerprint, TrainingState.start(SiMlp.initialise(seed)),
                b.data().train(), SeededRandom.derive(seed, "pretrain-order").nextLong(), schedule,
                10L * b.config().checkpointEvery(), it -> it >= firstKept, progress);
        double seconds = (System.nanoTime() - started) / 1e9;
        long steps = ProjectedSgd.STEPS_TAKEN.get() - stepsBefore;

        dir.write("curve.json", Json.bytes(Map.of("epochLoss", end.epochLoss(), "epochAccuracy", end.epochAccuracy())));
        List<String> names = new ArrayList<>();
        for (int i = b.config().maxK() - 1; i >= 0; i--) {
            names.add(StudyLayout.windowCheckpoint(b.windowIteration(i)));
        }
        names.add("curve.json");
        var test = new SiMlp().evaluate(end.weights(), b.data().test());
        progress.tested(run, test.accuracy());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("iterations", end.iteration());
        metrics.put("minEpochLoss", end.minEpochLoss());
        metrics.put("finalEpochLoss", last(end.epochLoss()));
        metrics.put("finalEpochTrainAccuracy", last(end.epochAccuracy()));
        metrics.put("converged", end.minEpochLoss() < b.config().convergenceLoss());
        metrics.put("testAccuracy", test.accuracy());
        metrics.put("pretrainedPoint", StudyLayout.windowCheckpoint(b.config().pretrainIterations()));
        metrics.put("stepsThisAttempt", steps);
        metrics.put("iterationsPerSecond", seconds > 0 ? steps / seconds : 0.0);
        Manifest m = dir.commit(NAME, fingerprint, inputs, names, metrics, CodeVersion.full());
        dir.delete(ResumableTraining.RESUME);
        progress.log(String.format("pretrain plr=%s seed=%d done: test accuracy %.4f, min epoch loss %.4g, %.0f it/s",
                StudyLayout.rate(plr), seed, test.accuracy(), end.minEpochLoss(), seconds > 0 ? steps / seconds : 0.0));
        return StageCache.outcome(dir, m, false);
    }

    /** The last entry, or null when there is none (JSON has no NaN). */
    static Double last(double[] a) {
        return a.length == 0 ? null : a[a.length - 1];
    }
}
