package io.lrsweep.stages;

import io.lrsweep.setup.ComputeContext;
import io.lrsweep.setup.Setup;
import io.lrsweep.setup.Setups;
import io.lrsweep.setup.Trained;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Fingerprint;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.study.Branch;
import io.lrsweep.study.RateLabel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pre-training with the PLR from a seeded initialisation. Keeps the SWA window's checkpoints, one
 * of which is the pre-trained point, and the training curve.
 */
public final class PretrainStage {
    public static final String NAME = "pretrain";
    private final ArtifactStore store;
    private final ComputeContext compute;

    public PretrainStage(ArtifactStore store, ComputeContext compute) {
        this.store = store;
        this.compute = compute;
    }

    public StageOutcome run(String studyId, double plr, int seed, boolean force, StageProgress progress)
            throws IOException {
        return run(new Branch(Studies.load(store, studyId), plr, seed), force, progress);
    }

    /** The same, for a caller that holds the branch already (no second read of the study). */
    public StageOutcome run(Branch b, boolean force, StageProgress progress) throws IOException {
        String studyId = b.studyId();
        double plr = b.plr();
        int seed = b.seed();
        Setup<?> setup = Setups.of(b.config(), compute);
        StageDirectory dir = new StageDirectory(store, StudyLayout.pretrain(studyId, plr, seed));
        Map<String, Object> inputs = StageCache.inputs(NAME, b, setup);
        setup.describePretrain(inputs);
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, fingerprint, Reuse.of(force));
        if (cached.isPresent()) {
            return cached.get();
        }
        TrainingRun run = new TrainingRun(studyId, NAME, plr, null, seed);
        StageCheckpoints sink = StageCheckpoints.training(dir, fingerprint, run, progress);
        Trained done = sink.compute(s -> setup.pretrain(b, s));
        dir.writeInBackground(StudyLayout.CURVE, Json.bytes(done.curve()));
        List<String> names = new ArrayList<>(done.checkpoints());
        names.add(StudyLayout.CURVE);
        progress.tested(run, done.testAccuracy());
        Manifest m = dir.commit(NAME, fingerprint, inputs, names, done.metrics(), CodeVersion.full());
        sink.deleteResume();
        progress.log("pretrain plr=" + RateLabel.of(plr) + " seed=" + seed + " done: " + done.summary());
        return StageCache.outcome(dir, m, false);
    }
}
