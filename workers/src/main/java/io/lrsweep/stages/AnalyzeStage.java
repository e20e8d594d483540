package io.lrsweep.stages;

import io.lrsweep.science.AngularDistance;
import io.lrsweep.science.ErrorBarrier;
import io.lrsweep.science.Evaluation;
import io.lrsweep.science.FeatureSparsity;
import io.lrsweep.science.SiMlp;
import io.lrsweep.science.Weights;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Fingerprint;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The measurements of one branch: accuracy and loss of every point, single-feature accuracies and
 * their concentration, and angles and error barriers between SWA(K) and the low/high-FLR
 * fine-tuned points.
 */
public final class AnalyzeStage {
    public static final String NAME = "analyze";
    public static final String RESULTS = "results.json";
    private final ArtifactStore store;

    public AnalyzeStage(ArtifactStore store) {
        this.store = store;
    }

    public StageOutcome run(String studyId, double plr, int seed, boolean force, StageProgress progress)
            throws IOException {
        Branch b = new Branch(Studies.load(store, studyId), plr, seed);
        if (b.config().isImage()) {
            return new ImageAnalyzeStage(store).run(b, force, progress);
        }
        var c = b.config();
        AnalysisUpstream up = AnalysisUpstream.of(store, b);
        StageDirectory dir = new StageDirectory(store, StudyLayout.analyze(studyId, plr, seed));
        Map<String, Object> inputs = up.inputs();
        inputs.put("testSize", c.testSize());
        inputs.put("singleFeatureSize", c.singleFeatureSize());
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, NAME, fingerprint, force);
        if (cached.isPresent()) {
            return cached.get();
        }
        var points = up.points(store, b, StudyLayout.windowCheckpoint(c.pretrainIterations()),
                PointLoader.Finished::weights, progress);
        SyntheticData data = b.data();
        SiMlp model = new SiMlp();
        BranchResults.Point prePoint = measure(model, data, "pretrain", null, null, points.pretrain());
        List<BranchResults.Point> ftPoints = new ArrayList<>();
        points.finetune().forEach((flr, w) -> ftPoints.add(measure(model, data, "finetune", flr, null, w)));
        List<BranchResults.Point> swaPoints = new ArrayList<>();
        points.average().forEach((k, w) -> swaPoints.add(measure(model, data, "average", null, k, w)));
        Weights swa = points.average().get(c.geometryK());
        Weights low = points.finetune().get(c.geometryFlrLow());
        Weights high = points.finetune().get(c.geometryFlrHigh());
        List<BranchResults.Geometry> geometry = List.of(
                geometry(model, data, "swa-ft_low", swa, low),
                geometry(model, data, "swa-ft_high", swa, high),
                geometry(model, data, "ft_low-ft_high", low, high));
        double minLoss = ((Number) up.pretrain().manifest().metrics().get("minEpochLoss")).doubleValue();
        BranchResults results = new BranchResults(plr, seed, b.dataSeed(), minLoss,
                minLoss < c.convergenceLoss(), prePoint, ftPoints, swaPoints, geometry, null);
        return commit(dir, fingerprint, inputs, results, studyId, progress);
    }

    /** Writes {@code results.json}, commits the stage with summary metrics and reports the results. */
    static StageOutcome commit(StageDirectory dir, String fingerprint, Map<String, Object> inputs,
                               BranchResults results, String studyId, StageProgress progress) throws IOException {
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
        progress.analysed(studyId, results);
        progress.log(String.format("analyze plr=%s seed=%d done: pretrain test %.4f, max test barrier %.4f",
                StudyLayout.rate(results.plr()), results.seed(), results.pretrain().testAccuracy(),
                results.maxTestBarrier()));
        return StageCache.outcome(dir, m, false);
    }

    /** Reads a finished analysis of a branch, verified against its manifest. */
    public static BranchResults load(ArtifactStore store, String studyId, double plr, int seed) throws IOException {
        return results(PointLoader.finished(store, StudyLayout.analyze(studyId, plr, seed), "analyze"));
    }

    /** The results of a finished analysis stage, verified against its manifest. */
    static BranchResults results(PointLoader.Finished analysis) throws IOException {
        return Json.read(analysis.dir().readVerified(analysis.manifest(), RESULTS), BranchResults.class);
    }

    private static BranchResults.Point measure(SiMlp model, SyntheticData data, String name, Double flr, Integer k,
                                               Weights w) {
        Evaluation train = model.evaluate(w, data.train());
        Evaluation test = model.evaluate(w, data.test());
        double[] single = new double[data.singleFeature().length];
        for (int f = 0; f < single.length; f++) {
            single[f] = model.evaluate(w, data.singleFeature()[f]).accuracy();
        }
        return new BranchResults.Point(name, flr, k, train.loss(), train.accuracy(), test.loss(), test.accuracy(),
                single, FeatureSparsity.sortedDescending(single), FeatureSparsity.concentration(single), null);
    }

    private static BranchResults.Geometry geometry(SiMlp model, SyntheticData data, String pair, Weights a,
                                                   Weights b) {
        double[] trainCurve = ErrorBarrier.curve(a, b, ErrorBarrier.POINTS, SiMlp.RHO,
                w -> model.evaluate(w, data.train()).error());
        double[] testCurve = ErrorBarrier.curve(a, b, ErrorBarrier.POINTS, SiMlp.RHO,
                w -> model.evaluate(w, data.test()).error());
        return new BranchResults.Geometry(pair, AngularDistance.radians(a, b), ErrorBarrier.of(trainCurve),
                ErrorBarrier.of(testCurve), trainCurve, testCurve);
    }
}
