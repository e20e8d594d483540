package io.lrsweep.stages;

import io.lrsweep.setup.Averaged;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.setup.Setup;
import io.lrsweep.setup.Setups;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Fingerprint;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.ReadAhead;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.study.Branch;
import io.lrsweep.study.RateLabel;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SWA: the uniform mean of K checkpoints of the pre-training window, added one at a time, with
 * BatchNorm statistics recomputed where the model has BatchNorm.
 */
public final class AverageStage {
    public static final String NAME = "average";
    public static final String RESULT = "average.ckpt";
    private final ArtifactStore store;
    private final ComputeContext compute;

    public AverageStage(ArtifactStore store, ComputeContext compute) {
        this.store = store;
        this.compute = compute;
    }

    public StageOutcome run(String studyId, double plr, int seed, int k, boolean force, StageProgress progress)
            throws IOException {
        Branch b = new Branch(Studies.load(store, studyId), plr, seed);
        b.requireK(k);
        return run(b, Setups.of(b.config(), compute), k, Reuse.of(force), progress);
    }

    /** Averages over each of {@code ks} in turn; each is cached and committed on its own. */
    public StageOutcome run(String studyId, double plr, int seed, List<Integer> ks, boolean force,
                            StageProgress progress) throws IOException {
        return run(new Branch(Studies.load(store, studyId), plr, seed), ks, Reuse.of(force), progress);
    }

    /** The same, for a caller that holds the branch already (no second read of the study). */
    public StageOutcome run(Branch b, List<Integer> ks, Reuse reuse, StageProgress progress) throws IOException {
        ks.forEach(b::requireK);
        Setup<?> setup = Setups.of(b.config(), compute);
        return StageOutcome.ofEach(NAME, ks, k -> run(b, setup, k, reuse, progress));
    }

    private <P> StageOutcome run(Branch b, Setup<P> setup, int k, Reuse reuse, StageProgress progress)
            throws IOException {
        String studyId = b.studyId();
        PointLoader.Finished pretrain = PointLoader.finished(store, StudyLayout.pretrain(studyId, b.plr(), b.seed()),
                PretrainStage.NAME);
        StageDirectory dir = new StageDirectory(store, StudyLayout.average(studyId, b.plr(), b.seed(), k));
        Map<String, Object> inputs = StageCache.inputs(NAME, b, setup);
        inputs.put("k", k);
        inputs.put("pretrainManifest", pretrain.contentHash());
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, fingerprint, reuse);
        if (cached.isPresent()) {
            return cached.get();
        }
        Averaged swa = UpstreamRepair.read(store, pretrain, PretrainStage.NAME, f -> {
            // The window's objects are fetched while the earlier ones are decoded and added.
            try (ReadAhead window = f.readAhead(setup.window(k))) {
                return setup.average(b, k, name -> window.read(f.item(name)));
            }
        }, () -> new PretrainStage(store, compute).run(b, true, progress), progress);
        StageCheckpoints.of(dir, fingerprint, NAME, progress).write(RESULT, swa.point());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("k", k);
        metrics.put("testAccuracy", swa.testAccuracy());
        Manifest m = dir.commit(NAME, fingerprint, inputs, List.of(RESULT), metrics, CodeVersion.full());
        progress.log(String.format("average plr=%s seed=%d k=%d done: test accuracy %.4f%s", RateLabel.of(b.plr()),
                b.seed(), k, swa.testAccuracy(), swa.note()));
        return StageCache.outcome(dir, m, false);
    }
}
