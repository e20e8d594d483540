package io.lrsweep.stages;

import io.lrsweep.science.images.ImageCheckpointFormat;
import io.lrsweep.science.images.ImageEvaluation;
import io.lrsweep.science.images.ImageTraining;
import io.lrsweep.science.images.Network;
import io.lrsweep.science.images.NetworkAverage;
import io.lrsweep.science.images.NetworkState;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Fingerprint;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Image SWA: the uniform mean of the K epoch checkpoints from the pre-trained point on, read one at
 * a time, then BN statistics recomputed with one pass over the training set.
 */
final class ImageAverageStage {
    private final ArtifactStore store;

    ImageAverageStage(ArtifactStore store) {
        this.store = store;
    }

    StageOutcome run(Branch b, int k, boolean force, StageProgress progress) throws IOException {
        var c = b.config();
        String studyId = c.studyId();
        PointLoader.Finished pretrain = PointLoader.finished(store, StudyLayout.pretrain(studyId, b.plr(), b.seed()),
                "pretrain");
        StageDirectory dir = new StageDirectory(store, StudyLayout.average(studyId, b.plr(), b.seed(), k));
        Map<String, Object> inputs = StageCache.inputs(AverageStage.NAME, b);
        inputs.put("k", k);
        inputs.put("pretrainManifest", pretrain.contentHash());
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, AverageStage.NAME, fingerprint, force);
        if (cached.isPresent()) {
            return cached.get();
        }
        NetworkState mean = UpstreamRepair.read(store, pretrain.dir().prefix(), "pretrain", f -> {
            NetworkAverage average = new NetworkAverage();
            for (int e = c.pretrainEpochs(); e < c.pretrainEpochs() + k; e++) {
                average.add(ImageRuns.point(f, ImageRuns.epochCheckpoint(e)));
            }
            return average.result();
        }, () -> new PretrainStage(store).run(studyId, b.plr(), b.seed(), true, progress), progress);
        ImageTensors data = ImageTensors.of(c);
        NetworkState swa;
        double testAccuracy;
        ImageTraining.DEVICE.lock();
        try (Network net = Network.create(data.spec(c), data.manager(), 0)) {
            net.load(mean);
            ImageEvaluation.recomputeBatchNorm(net, data.train(), ImageRuns.EVAL_BATCH);
            swa = net.snapshot();
            testAccuracy = ImageRuns.test(net, data).accuracy();
        } finally {
            ImageTraining.DEVICE.unlock();
        }
        Checkpoints.write(dir, AverageStage.NAME, AverageStage.RESULT,
                ImageCheckpointFormat.encodePoint(c.pretrainEpochs(), swa), progress);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("k", k);
        metrics.put("testAccuracy", testAccuracy);
        Manifest m = dir.commit(AverageStage.NAME, fingerprint, inputs, List.of(AverageStage.RESULT), metrics,
                CodeVersion.full());
        progress.log(String.format("average plr=%s seed=%d k=%d done: test accuracy %.4f (BN recomputed)",
                StudyLayout.rate(b.plr()), b.seed(), k, testAccuracy));
        return StageCache.outcome(dir, m, false);
    }
}
