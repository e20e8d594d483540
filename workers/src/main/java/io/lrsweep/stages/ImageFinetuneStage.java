package io.lrsweep.stages;

import io.lrsweep.science.SeededRandom;
import io.lrsweep.science.images.ImageCheckpointFormat;
import io.lrsweep.science.images.ImageTraining;
import io.lrsweep.science.images.ImageTrainingState;
import io.lrsweep.science.images.Network;
import io.lrsweep.science.images.NetworkState;
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

/** Image fine-tuning: {@code finetuneEpochs} epochs with the FLR from the pre-trained point. */
final class ImageFinetuneStage {
    private final ArtifactStore store;

    ImageFinetuneStage(ArtifactStore store) {
        this.store = store;
    }

    StageOutcome run(Branch b, double flr, boolean force, StageProgress progress) throws IOException {
        var c = b.config();
        String studyId = c.studyId();
        PointLoader.Finished pretrain = PointLoader.finished(store, StudyLayout.pretrain(studyId, b.plr(), b.seed()),
                "pretrain");
        StageDirectory dir = new StageDirectory(store, StudyLayout.finetune(studyId, b.plr(), b.seed(), flr));
        Map<String, Object> inputs = StageCache.inputs(FinetuneStage.NAME, b);
        inputs.put("flr", flr);
        inputs.put("epochs", c.finetuneEpochs());
        inputs.put("pretrainManifest", pretrain.contentHash());
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, FinetuneStage.NAME, fingerprint, force);
        if (cached.isPresent()) {
            return cached.get();
        }
        NetworkState start = UpstreamRepair.read(store, pretrain.dir().prefix(), "pretrain",
                f -> ImageRuns.point(f, ImageRuns.epochCheckpoint(c.pretrainEpochs())),
                () -> new PretrainStage(store).run(studyId, b.plr(), b.seed(), true, progress), progress);
        long orderSeed = SeededRandom.derive(b.seed(), "finetune-order", Double.doubleToLongBits(flr)).nextLong();
        long started = System.nanoTime();
        TrainingRun run = new TrainingRun(studyId, FinetuneStage.NAME, b.plr(), flr, b.seed());
        ImageTensors data = ImageTensors.of(c);
        ImageTrainingState end;
        double testAccuracy;
        ImageTraining.DEVICE.lock();
        try (Network net = Network.create(data.spec(c), data.manager(), 0)) {
            end = ImageRuns.train(run, dir, fingerprint, net, ImageTrainingState.start(start), data.train(), orderSeed,
                    ImageRuns.schedule(c, net, flr, c.finetuneEpochs()), ImageTraining.Probe.NONE, e -> false,
                    progress);
            testAccuracy = ImageRuns.test(net, data).accuracy();
        } finally {
            ImageTraining.DEVICE.unlock();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Checkpoints.write(dir, FinetuneStage.NAME, FinetuneStage.RESULT,
                ImageCheckpointFormat.encodePoint(end.epoch(), end.network()), progress);
        dir.write("curve.json", Json.bytes(ImageRuns.curve(end)));
        progress.tested(run, testAccuracy);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("flr", flr);
        metrics.put("epochs", end.epoch());
        metrics.put("finalEpochLoss", PretrainStage.last(end.epochLoss()));
        metrics.put("testAccuracy", testAccuracy);
        metrics.put("seconds", seconds);
        Manifest m = dir.commit(FinetuneStage.NAME, fingerprint, inputs, List.of(FinetuneStage.RESULT, "curve.json"),
                metrics, CodeVersion.full());
        dir.delete(ResumableTraining.RESUME);
        progress.log(String.format("finetune plr=%s seed=%d flr=%s done: test accuracy %.4f",
                StudyLayout.rate(b.plr()), b.seed(), StudyLayout.rate(flr), testAccuracy));
        return StageCache.outcome(dir, m, false);
    }
}
