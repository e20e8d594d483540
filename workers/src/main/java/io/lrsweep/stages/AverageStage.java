package io.lrsweep.stages;

import io.lrsweep.science.CheckpointFormat;
import io.lrsweep.science.SiMlp;
import io.lrsweep.science.WeightAverage;
import io.lrsweep.science.Weights;
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
 * SWA: the uniform mean of the last K pre-training checkpoints (the pre-trained point and the K−1
 * before it), read one at a time. The synthetic model has no BatchNorm, so nothing is recomputed.
 */
public final class AverageStage {
    public static final String NAME = "average";
    public static final String RESULT = "average.ckpt";
    private final ArtifactStore store;

    public AverageStage(ArtifactStore store) {
        this.store = store;
    }

    public StageOutcome run(String studyId, double plr, int seed, int k, boolean force, StageProgress progress)
            throws IOException {
        Branch b = new Branch(Studies.load(store, studyId), plr, seed);
        b.requireK(k);
        if (b.config().isImage()) {
            return new ImageAverageStage(store).run(b, k, force, progress);
        }
        PointLoader.Finished pretrain = PointLoader.finished(store, StudyLayout.pretrain(studyId, plr, seed),
                "pretrain");
        StageDirectory dir = new StageDirectory(store, StudyLayout.average(studyId, plr, seed, k));
        Map<String, Object> inputs = StageCache.inputs(NAME, b);
        inputs.put("k", k);
        inputs.put("pretrainManifest", pretrain.contentHash());
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, NAME, fingerprint, force);
        if (cached.isPresent()) {
            return cached.get();
        }
        Weights swa = UpstreamRepair.read(store, pretrain.dir().prefix(), "pretrain", f -> {
            WeightAverage average = new WeightAverage();
            for (int i = k - 1; i >= 0; i--) {
                average.add(f.weights(StudyLayout.windowCheckpoint(b.windowIteration(i))));
            }
            return average.result();
        }, () -> new PretrainStage(store).run(studyId, plr, seed, true, progress), progress);
        Checkpoints.write(dir, NAME, RESULT, CheckpointFormat.encodeWeights(b.config().pretrainIterations(), swa),
                progress);
        var test = new SiMlp().evaluate(swa, b.data().test());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("k", k);
        metrics.put("testAccuracy", test.accuracy());
        Manifest m = dir.commit(NAME, fingerprint, inputs, List.of(RESULT), metrics, CodeVersion.full());
        progress.log(String.format("average plr=%s seed=%d k=%d done: test accuracy %.4f",
                StudyLayout.rate(plr), seed, k, test.accuracy()));
        return StageCache.outcome(dir, m, false);
    }
}
