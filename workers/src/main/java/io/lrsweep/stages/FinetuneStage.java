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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Fine-tuning: from the pre-trained point, train with the FLR; the result is the final weights. */
public final class FinetuneStage {
    public static final String NAME = "finetune";
    public static final String RESULT = "final.ckpt";
    private final ArtifactStore store;

    public FinetuneStage(ArtifactStore store) {
        this.store = store;
    }

    public StageOutcome run(String studyId, double plr, int seed, double flr, boolean force, StageProgress progress)
            throws IOException {
        Branch b = new Branch(Studies.load(store, studyId), plr, seed);
        b.requireFlr(flr);
        if (b.config().isImage()) {
            return new ImageFinetuneStage(store).run(b, flr, force, progress);
        }
        PointLoader.Finished pretrain = PointLoader.finished(store, StudyLayout.pretrain(studyId, plr, seed),
                "pretrain");
        StageDirectory dir = new StageDirectory(store, StudyLayout.finetune(studyId, plr, seed, flr));
        Map<String, Object> inputs = StageCache.inputs(NAME, b);
        inputs.put("flr", flr);
        inputs.put("iterations", b.config().finetuneIterations());
        inputs.put("pretrainManifest", pretrain.contentHash());
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, NAME, fingerprint, force);
        if (cached.isPresent()) {
            return cached.get();
        }
        var start = UpstreamRepair.read(store, pretrain.dir().prefix(), "pretrain",
                f -> f.weights(StudyLayout.windowCheckpoint(b.config().pretrainIterations())),
                () -> new PretrainStage(store).run(studyId, plr, seed, true, progress), progress);
        long orderSeed = SeededRandom.derive(seed, "finetune-order", Double.doubleToLongBits(flr)).nextLong();
        var schedule = new ProjectedSgd.Schedule(b.config().finetuneIterations(), new Elr(flr),
                b.config().batchSize(), b.config().checkpointEvery());
        long started = System.nanoTime();
        TrainingRun run = new TrainingRun(studyId, NAME, plr, flr, seed);
        TrainingState end = ResumableTraining.run(run, dir, fingerprint, TrainingState.start(start), b.data().train(),
                orderSeed, schedule, 10L * b.config().checkpointEvery(), it -> false, progress);
        double seconds = (System.nanoTime() - started) / 1e9;
        Checkpoints.write(dir, NAME, RESULT,
                io.lrsweep.science.CheckpointFormat.encodeWeights(end.iteration(), end.weights()), progress);
        dir.write("curve.json", Json.bytes(Map.of("epochLoss", end.epochLoss(), "epochAccuracy", end.epochAccuracy())));
        var test = new SiMlp().evaluate(end.weights(), b.data().test());
        progress.tested(run, test.accuracy());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("flr", flr);
        metrics.put("iterations", end.iteration());
        metrics.put("finalEpochLoss", PretrainStage.last(end.epochLoss()));
        metrics.put("testAccuracy", test.accuracy());
        metrics.put("seconds", seconds);
        Manifest m = dir.commit(NAME, fingerprint, inputs, List.of(RESULT, "curve.json"), metrics, CodeVersion.full());
        dir.delete(ResumableTraining.RESUME);
        progress.log(String.format("finetune plr=%s seed=%d flr=%s done: test accuracy %.4f",
                StudyLayout.rate(plr), seed, StudyLayout.rate(flr), test.accuracy()));
        return StageCache.outcome(dir, m, false);
    }
}
