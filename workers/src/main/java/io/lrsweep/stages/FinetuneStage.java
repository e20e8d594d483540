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
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fine-tuning: from the pre-trained point, train with the FLR; the result is the final weights.
 * A task may carry several FLRs of a branch (see {@code SetupKind#finetuneTasks}).
 */
public final class FinetuneStage {
    public static final String NAME = "finetune";
    public static final String RESULT = "final.ckpt";
    private final ArtifactStore store;
    private final ComputeContext compute;

    public FinetuneStage(ArtifactStore store, ComputeContext compute) {
        this.store = store;
        this.compute = compute;
    }

    public StageOutcome run(String studyId, double plr, int seed, double flr, boolean force, StageProgress progress)
            throws IOException {
        Branch b = new Branch(Studies.load(store, studyId), plr, seed);
        b.requireFlr(flr);
        return run(b, Setups.of(b.config(), compute), flr, Reuse.of(force), progress);
    }

    /**
     * Fine-tunes with each of {@code flrs} in turn, each run cached, resumed and committed on its
     * own; the outcome is one run's, or every run's under {@code runs}.
     */
    public StageOutcome run(String studyId, double plr, int seed, List<Double> flrs, boolean force,
                            StageProgress progress) throws IOException {
        return run(new Branch(Studies.load(store, studyId), plr, seed), flrs, Reuse.of(force), progress);
    }

    /** The same, for a caller that holds the branch already (no second read of the study). */
    public StageOutcome run(Branch b, List<Double> flrs, Reuse reuse, StageProgress progress) throws IOException {
        flrs.forEach(b::requireFlr);
        Setup<?> setup = Setups.of(b.config(), compute);
        return StageOutcome.ofEach(NAME, flrs, flr -> run(b, setup, flr, reuse, progress));
    }

    private <P> StageOutcome run(Branch b, Setup<P> setup, double flr, Reuse reuse, StageProgress progress)
            throws IOException {
        String studyId = b.studyId();
        PointLoader.Finished pretrain = PointLoader.finished(store, StudyLayout.pretrain(studyId, b.plr(), b.seed()),
                PretrainStage.NAME);
        StageDirectory dir = new StageDirectory(store, StudyLayout.finetune(studyId, b.plr(), b.seed(), flr));
        Map<String, Object> inputs = StageCache.inputs(NAME, b, setup);
        inputs.put("flr", flr);
        setup.describeFinetune(inputs);
        inputs.put("pretrainManifest", pretrain.contentHash());
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, fingerprint, reuse);
        if (cached.isPresent()) {
            return cached.get();
        }
        P start = UpstreamRepair.read(store, pretrain, PretrainStage.NAME,
                f -> setup.decode(f.read(setup.pretrainedPoint())),
                () -> new PretrainStage(store, compute).run(b, true, progress), progress);
        TrainingRun run = new TrainingRun(studyId, NAME, b.plr(), flr, b.seed());
        StageCheckpoints sink = StageCheckpoints.training(dir, fingerprint, run, progress);
        Trained done = sink.compute(s -> setup.finetune(b, flr, start, s));
        sink.write(RESULT, done.finalPoint());
        dir.writeInBackground(StudyLayout.CURVE, Json.bytes(done.curve()));
        progress.tested(run, done.testAccuracy());
        Manifest m = dir.commit(NAME, fingerprint, inputs, List.of(RESULT, StudyLayout.CURVE), done.metrics(),
                CodeVersion.full());
        sink.deleteResume();
        progress.log("finetune plr=" + RateLabel.of(b.plr()) + " seed=" + b.seed() + " flr=" + RateLabel.of(flr)
                + " done: " + done.summary());
        return StageCache.outcome(dir, m, false);
    }
}
