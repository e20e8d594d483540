package io.lrsweep.stages;

import io.lrsweep.setup.ComputeContext;
import io.lrsweep.setup.Continued;
import io.lrsweep.setup.Setup;
import io.lrsweep.setup.Setups;
import io.lrsweep.setup.Trained;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Fingerprint;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.study.BaselinePlan;
import io.lrsweep.study.BaselineResults;
import io.lrsweep.study.Branch;
import io.lrsweep.study.InvalidStudyException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Two-stage pre-training of one seed (study-spec §6): the sweep's pre-training with the 2B PLR is
 * the first stage; the second continues it with the 2A PLR for another pre-training budget; then
 * fine-tuning with the low geometry FLR. Each part is committed on its own, so a restart redoes at
 * most the part that was running.
 */
public final class TwoStageStage {
    public static final String NAME = "two_stage";
    static final String SECOND = "second";
    static final String FINETUNE = "finetune";
    private final ArtifactStore store;
    private final ComputeContext compute;

    public TwoStageStage(ArtifactStore store, ComputeContext compute) {
        this.store = store;
        this.compute = compute;
    }

    public StageOutcome run(String studyId, int seed, boolean force, StageProgress progress) throws IOException {
        var c = Studies.load(store, studyId);
        BaselinePlan.TwoStage plrs = Baselines.plan(store, studyId).map(BaselinePlan::twoStage)
                .orElseThrow(() -> new InvalidStudyException("studyId", "study '" + studyId
                        + "' has no two-stage pre-training in its baseline plan"));
        Branch first = new Branch(c, plrs.plrFirst(), seed);
        return run(first, Setups.of(c, compute), plrs, force, progress);
    }

    private <P> StageOutcome run(Branch first, Setup<P> setup, BaselinePlan.TwoStage plrs, boolean force,
                                 StageProgress progress) throws IOException {
        var c = first.config();
        String id = first.studyId();
        PointLoader.Finished pretrain = PointLoader.finished(store, StudyLayout.pretrain(id, first.plr(),
                first.seed()), PretrainStage.NAME);
        PointLoader.Finished secondDone = second(first, setup, plrs, pretrain, force, progress);
        // Fine-tuning from the end of the second stage.
        StageDirectory dir = new StageDirectory(store, StudyLayout.twoStage(id, first.seed(), FINETUNE));
        Map<String, Object> inputs = StageCache.inputs(NAME + "/" + FINETUNE, first, setup);
        inputs.put("flr", c.geometryFlrLow());
        setup.describeFinetune(inputs);
        inputs.put("secondManifest", secondDone.contentHash());
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, fingerprint, Reuse.of(force));
        if (cached.isPresent()) {
            return cached.get();
        }
        P start = UpstreamRepair.read(store, secondDone, NAME + "/" + SECOND,
                f -> setup.decode(f.read(ConvergeStage.RESULT)),
                () -> second(first, setup, plrs, pretrain, true, progress), progress);
        TrainingRun run = new TrainingRun(id, NAME, plrs.plrSecond(), c.geometryFlrLow(), first.seed());
        StageCheckpoints sink = StageCheckpoints.training(dir, fingerprint, run, progress);
        Trained done = sink.compute(s -> setup.finetune(first, c.geometryFlrLow(), start, s));
        double secondAccuracy = ((Number) secondDone.manifest().metrics().get("testAccuracy")).doubleValue();
        BaselineResults.TwoStage result = new BaselineResults.TwoStage(first.seed(), plrs.plrFirst(),
                plrs.plrSecond(), secondAccuracy, done.testAccuracy());
        dir.write(FinetuneStage.RESULT, done.finalPoint());
        dir.write(Baselines.RESULTS, Json.bytes(result));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("pretrainTestAccuracy", secondAccuracy);
        metrics.put("testAccuracy", done.testAccuracy());
        Manifest m = dir.commit(NAME, fingerprint, inputs, List.of(FinetuneStage.RESULT, Baselines.RESULTS), metrics,
                CodeVersion.full());
        sink.deleteResume();
        progress.log(String.format("two-stage seed=%d done: %s then %s, test accuracy %.4f after the second stage,"
                + " %.4f fine-tuned", first.seed(), plrs.plrFirst(), plrs.plrSecond(), secondAccuracy,
                done.testAccuracy()));
        return StageCache.outcome(dir, m, false);
    }

    /** The second stage: the first PLR's pre-trained point continued with the second PLR (cached). */
    private <P> PointLoader.Finished second(Branch first, Setup<P> setup, BaselinePlan.TwoStage plrs,
                                            PointLoader.Finished pretrain, boolean force, StageProgress progress)
            throws IOException {
        String id = first.studyId();
        StageDirectory second = new StageDirectory(store, StudyLayout.twoStage(id, first.seed(), SECOND));
        Map<String, Object> inputs = StageCache.inputs(NAME + "/" + SECOND, first, setup);
        setup.describePretrain(inputs);
        inputs.put("plrSecond", plrs.plrSecond());
        inputs.put("pretrainManifest", pretrain.contentHash());
        String fingerprint = Fingerprint.of(inputs);
        if (StageCache.lookup(second, fingerprint, Reuse.of(force)).isEmpty()) {
            P start = UpstreamRepair.read(store, pretrain, PretrainStage.NAME,
                    f -> setup.decode(f.read(setup.pretrainedPoint())),
                    () -> new PretrainStage(store, compute).run(first, true, progress),
                    progress);
            StageCheckpoints sink = StageCheckpoints.training(second, fingerprint,
                    new TrainingRun(id, NAME, plrs.plrSecond(), null, first.seed()), progress);
            Continued run = sink.compute(s -> setup.continueTraining(first, start, plrs.plrSecond(), "two-stage-order",
                    2.0, false, s));
            sink.write(ConvergeStage.RESULT, run.point());
            second.commit(NAME, fingerprint, inputs, List.of(ConvergeStage.RESULT),
                    Map.of("testAccuracy", run.testAccuracy(), "epochs", run.epochs()), CodeVersion.full());
            sink.deleteResume();
        }
        return PointLoader.finished(store, second.prefix(), NAME + "/" + SECOND);
    }
}
