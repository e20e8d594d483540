package io.lrsweep.stages;

import com.fasterxml.jackson.databind.JsonNode;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.setup.Continued;
import io.lrsweep.setup.Setup;
import io.lrsweep.setup.Setups;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Fingerprint;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.study.BaselineResults;
import io.lrsweep.study.Branch;
import io.lrsweep.study.RateLabel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Training to convergence, the paper's strongest baseline: a branch's pre-training continued with
 * its PLR until an epoch's mean training loss falls below the convergence loss, for at most
 * {@code convergenceBudget} pre-training budgets. A run that converged within pre-training is not
 * trained further: its epoch of convergence is read from the pre-training curve.
 */
public final class ConvergeStage {
    public static final String NAME = "converge";
    public static final String RESULT = "final.ckpt";
    private final ArtifactStore store;
    private final ComputeContext compute;

    public ConvergeStage(ArtifactStore store, ComputeContext compute) {
        this.store = store;
        this.compute = compute;
    }

    public StageOutcome run(String studyId, double plr, int seed, boolean force, StageProgress progress)
            throws IOException {
        Branch b = new Branch(Studies.load(store, studyId), plr, seed);
        return run(b, Setups.of(b.config(), compute), force, progress);
    }

    private <P> StageOutcome run(Branch b, Setup<P> setup, boolean force, StageProgress progress) throws IOException {
        var c = b.config();
        PointLoader.Finished pretrain = PointLoader.finished(store, StudyLayout.pretrain(b.studyId(), b.plr(),
                b.seed()), PretrainStage.NAME);
        StageDirectory dir = new StageDirectory(store, StudyLayout.converge(b.studyId(), b.plr(), b.seed()));
        Map<String, Object> inputs = StageCache.inputs(NAME, b, setup);
        setup.describePretrain(inputs);
        inputs.put("convergenceBudget", c.convergenceBudget());
        inputs.put("convergenceLoss", c.convergenceLoss());
        inputs.put("pretrainManifest", pretrain.contentHash());
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, fingerprint, Reuse.of(force));
        if (cached.isPresent()) {
            return cached.get();
        }
        long perEpoch = setup.stepsPerEpoch();
        int firstBelow = firstEpochBelow(pretrain, c.convergenceLoss());
        BaselineResults.Convergence result;
        List<String> names = new ArrayList<>();
        StageCheckpoints sink;
        if (firstBelow >= 0) {
            // Converged during pre-training: nothing to train, so no training run to report.
            sink = StageCheckpoints.of(dir, fingerprint, NAME, progress);
            double accuracy = ((Number) pretrain.manifest().metrics().get("testAccuracy")).doubleValue();
            result = new BaselineResults.Convergence(b.plr(), b.seed(), true, (firstBelow + 1L) * perEpoch,
                    firstBelow + 1L, accuracy);
        } else {
            sink = StageCheckpoints.training(dir, fingerprint,
                    new TrainingRun(b.studyId(), NAME, b.plr(), null, b.seed()), progress);
            P start = UpstreamRepair.read(store, pretrain, PretrainStage.NAME,
                    f -> setup.decode(f.read(setup.pretrainedPoint())),
                    () -> new PretrainStage(store, compute).run(b, true, progress),
                    progress);
            Continued run = sink.compute(s -> setup.continueTraining(b, start, b.plr(), "pretrain-order",
                    c.convergenceBudget(), true, s));
            sink.write(RESULT, run.point());
            dir.write(StudyLayout.CURVE, Json.bytes(Map.of("epochLoss", run.epochLoss())));
            names.add(RESULT);
            names.add(StudyLayout.CURVE);
            result = new BaselineResults.Convergence(b.plr(), b.seed(), run.converged(), run.steps(), run.epochs(),
                    run.testAccuracy());
        }
        dir.write(Baselines.RESULTS, Json.bytes(result));
        names.add(Baselines.RESULTS);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("converged", result.converged());
        metrics.put("steps", result.steps());
        metrics.put("epochs", result.epochs());
        metrics.put("testAccuracy", result.testAccuracy());
        Manifest m = dir.commit(NAME, fingerprint, inputs, names, metrics, CodeVersion.full());
        sink.deleteResume();
        progress.log(String.format("converge plr=%s seed=%d done: %s after %d epochs, test accuracy %.4f",
                RateLabel.of(b.plr()), b.seed(), result.converged() ? "converged" : "not converged",
                result.epochs(), result.testAccuracy()));
        return StageCache.outcome(dir, m, false);
    }

    /** The first epoch of pre-training whose mean loss is below {@code loss}, or -1. */
    private static int firstEpochBelow(PointLoader.Finished pretrain, double loss) throws IOException {
        JsonNode curve = Json.MAPPER.readTree(pretrain.read(StudyLayout.CURVE)).path("epochLoss");
        for (int e = 0; e < curve.size(); e++) {
            if (curve.get(e).asDouble() < loss) {
                return e;
            }
        }
        return -1;
    }
}
