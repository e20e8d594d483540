package io.lrsweep.stages;

import com.fasterxml.jackson.databind.JsonNode;
import io.lrsweep.science.Sharpness;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.setup.Measurements;
import io.lrsweep.setup.Setup;
import io.lrsweep.setup.Setups;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Fingerprint;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.study.Branch;
import io.lrsweep.study.BranchResults;
import io.lrsweep.study.RateLabel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The measurements of one branch: accuracy, loss and features of every point (pre-trained, each
 * fine-tuned, each SWA), and angles and error barriers between SWA(K) and the low/high-FLR
 * fine-tuned points.
 */
public final class AnalyzeStage {
    public static final String NAME = "analyze";
    public static final String RESULTS = "results.json";
    private final ArtifactStore store;
    private final ComputeContext compute;

    public AnalyzeStage(ArtifactStore store, ComputeContext compute) {
        this.store = store;
        this.compute = compute;
    }

    public StageOutcome run(String studyId, double plr, int seed, boolean force, StageProgress progress)
            throws IOException {
        return run(new Branch(Studies.load(store, studyId), plr, seed), Reuse.of(force), progress);
    }

    /** The same, for a caller that holds the branch already (no second read of the study). */
    public StageOutcome run(Branch b, Reuse reuse, StageProgress progress) throws IOException {
        return run(b, Setups.of(b.config(), compute), reuse, progress);
    }

    private <P> StageOutcome run(Branch b, Setup<P> setup, Reuse reuse, StageProgress progress) throws IOException {
        var c = b.config();
        AnalysisUpstream up = AnalysisUpstream.of(store, b, setup);
        StageDirectory dir = new StageDirectory(store, StudyLayout.analyze(b.studyId(), b.plr(), b.seed()));
        Map<String, Object> inputs = up.inputs();
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, fingerprint, reuse);
        if (cached.isPresent()) {
            return cached.get();
        }
        AnalysisUpstream.Points<P> points = up.points(store, compute, b, setup, progress);
        BranchResults results;
        try (Measurements<P> measure = setup.measurements(b)) {
            BranchResults.Point pre = measure.point("pretrain", null, null, points.pretrain());
            List<BranchResults.Point> ft = new ArrayList<>();
            points.finetune().forEach((flr, p) -> ft.add(measure.point("finetune", flr, null, p)));
            List<BranchResults.Point> swa = new ArrayList<>();
            points.average().forEach((k, p) -> swa.add(measure.point("average", null, k, p)));
            P mean = points.average().get(c.geometryK());
            P low = points.finetune().get(c.geometryFlrLow());
            P high = points.finetune().get(c.geometryFlrHigh());
            List<BranchResults.Geometry> geometry = List.of(
                    measure.pair("swa-ft_low", mean, low),
                    measure.pair("swa-ft_high", mean, high),
                    measure.pair("ft_low-ft_high", low, high));
            Sharpness.Estimate sharpPre = measure.sharpness(points.pretrain(), b.seed());
            BranchResults.PointSharpness sharpness = sharpPre == null ? null
                    : new BranchResults.PointSharpness(sharpPre, measure.sharpness(low, b.seed()));
            Map<String, Object> pm = up.pretrain().manifest().metrics();
            double minLoss = ((Number) pm.get("minEpochLoss")).doubleValue();
            // Image pre-training records the mean test accuracy of its last epochs (the paper's curve value).
            Double recent = pm.get("recentTestAccuracy") instanceof Number n ? n.doubleValue() : null;
            results = new BranchResults(b.plr(), b.seed(), b.dataSeed(), minLoss, minLoss < c.convergenceLoss(), pre,
                    ft, swa, geometry, recent, sharpness, measure.filterNorms(points.pretrain()),
                    epochLoss(up.pretrain()));
        }
        dir.write(RESULTS, Json.bytes(results));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("pretrainTestAccuracy", results.pretrain().testAccuracy());
        metrics.put("maxTestBarrier", results.maxTestBarrier());
        metrics.put("converged", results.converged());
        for (var g : results.geometry()) {
            metrics.put("angle." + g.pair(), g.angle());
            metrics.put("barrierTest." + g.pair(), g.barrierTest());
        }
        Manifest m = dir.commit(NAME, fingerprint, inputs, List.of(RESULTS), metrics, CodeVersion.full());
        progress.analysed(b.studyId(), results);
        progress.log(String.format("analyze plr=%s seed=%d done: pretrain test %.4f, max test barrier %.4f",
                RateLabel.of(results.plr()), results.seed(), results.pretrain().testAccuracy(),
                results.maxTestBarrier()));
        return StageCache.outcome(dir, m, false);
    }

    /** The pre-training curve's per-epoch mean training loss, from its verified {@code curve.json}. */
    private static double[] epochLoss(PointLoader.Finished pretrain) throws IOException {
        JsonNode curve = Json.MAPPER.readTree(pretrain.read(StudyLayout.CURVE));
        double[] out = new double[curve.path("epochLoss").size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = curve.path("epochLoss").get(i).asDouble();
        }
        return out;
    }

    /** Reads a finished analysis of a branch, verified against its manifest. */
    public static BranchResults load(ArtifactStore store, String studyId, double plr, int seed) throws IOException {
        return results(PointLoader.finished(store, StudyLayout.analyze(studyId, plr, seed), NAME));
    }

    /** The results of a finished analysis stage, verified against its manifest. */
    static BranchResults results(PointLoader.Finished analysis) throws IOException {
        return Json.read(analysis.read(RESULTS), BranchResults.class);
    }
}
