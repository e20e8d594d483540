package io.lrsweep.stages;

import io.lrsweep.science.Evaluation;
import io.lrsweep.science.images.BnMode;
import io.lrsweep.science.images.ImageEvaluation;
import io.lrsweep.science.images.ImageGeometry;
import io.lrsweep.science.images.ImageTraining;
import io.lrsweep.science.images.Network;
import io.lrsweep.science.images.NetworkState;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Fingerprint;
import io.lrsweep.storage.StageDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The measurements of one image branch: train and test accuracy and loss of every point, test
 * accuracy on each Fourier band, and angles and error barriers (21 points, re-projected to rho,
 * BN recomputed at each) between SWA(K) and the low/high-FLR fine-tuned points.
 */
final class ImageAnalyzeStage {
    private final ArtifactStore store;

    ImageAnalyzeStage(ArtifactStore store) {
        this.store = store;
    }

    StageOutcome run(Branch b, boolean force, StageProgress progress) throws IOException {
        var c = b.config();
        String studyId = c.studyId();
        double plr = b.plr();
        int seed = b.seed();
        AnalysisUpstream up = AnalysisUpstream.of(store, b);
        StageDirectory dir = new StageDirectory(store, StudyLayout.analyze(studyId, plr, seed));
        Map<String, Object> inputs = up.inputs();
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, AnalyzeStage.NAME, fingerprint, force);
        if (cached.isPresent()) {
            return cached.get();
        }
        var points = up.points(store, b, ImageRuns.epochCheckpoint(c.pretrainEpochs()), ImageRuns::point, progress);
        ImageTensors data = ImageTensors.of(c);
        BranchResults results;
        ImageTraining.DEVICE.lock();
        try (Network net = Network.create(data.spec(c), data.manager(), 0)) {
            BranchResults.Point prePoint = measure(net, data, "pretrain", null, null, points.pretrain());
            List<BranchResults.Point> ftPoints = new ArrayList<>();
            for (var e : points.finetune().entrySet()) {
                ftPoints.add(measure(net, data, "finetune", e.getKey(), null, e.getValue()));
            }
            List<BranchResults.Point> swaPoints = new ArrayList<>();
            for (var e : points.average().entrySet()) {
                swaPoints.add(measure(net, data, "average", null, e.getKey(), e.getValue()));
            }
            NetworkState a = points.average().get(c.geometryK());
            NetworkState low = points.finetune().get(c.geometryFlrLow());
            NetworkState high = points.finetune().get(c.geometryFlrHigh());
            List<BranchResults.Geometry> geometry = List.of(
                    geometry(net, data, c.batchSize(), "swa-ft_low", a, low),
                    geometry(net, data, c.batchSize(), "swa-ft_high", a, high),
                    geometry(net, data, c.batchSize(), "ft_low-ft_high", low, high));
            var pm = up.pretrain().manifest().metrics();
            double minLoss = ((Number) pm.get("minEpochLoss")).doubleValue();
            Double recent = pm.get("recentTestAccuracy") instanceof Number n ? n.doubleValue() : null;
            results = new BranchResults(plr, seed, b.dataSeed(), minLoss, minLoss < c.convergenceLoss(), prePoint,
                    ftPoints, swaPoints, geometry, recent);
        } finally {
            ImageTraining.DEVICE.unlock();
        }
        return AnalyzeStage.commit(dir, fingerprint, inputs, results, studyId, progress);
    }

    private static BranchResults.Point measure(Network net, ImageTensors data, String name, Double flr, Integer k,
                                               NetworkState point) {
        net.load(point);
        Evaluation train = ImageEvaluation.evaluate(net, data.train(), BnMode.EVAL, ImageRuns.EVAL_BATCH);
        Evaluation test = ImageRuns.test(net, data);
        Map<String, Double> bands = new LinkedHashMap<>();
        for (ImageTensors.Band band : data.bands()) {
            bands.put(band.name(), ImageEvaluation.evaluate(net, band.data(), BnMode.EVAL, ImageRuns.EVAL_BATCH)
                    .accuracy());
        }
        return new BranchResults.Point(name, flr, k, train.loss(), train.accuracy(), test.loss(), test.accuracy(),
                new double[0], new double[0], null, bands);
    }

    private static BranchResults.Geometry geometry(Network net, ImageTensors data, int trainBatch, String pair,
                                                   NetworkState a, NetworkState b) {
        ImageGeometry.Segment s = ImageGeometry.measure(net, a, b, data.train(), data.test(), trainBatch,
                ImageRuns.EVAL_BATCH);
        return new BranchResults.Geometry(pair, s.angle(), s.trainBarrier(), s.testBarrier(), s.trainErrors(),
                s.testErrors());
    }
}
