package io.lrsweep.stages;

import io.lrsweep.science.ErrorBarrier;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.setup.Setup;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.ReadAhead;
import io.lrsweep.study.Branch;
import io.lrsweep.study.RateLabel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The finished stages an analysis of one branch reads (pre-training, every fine-tuning, every
 * average) and the fingerprint inputs they give it; an unfinished one is an error.
 */
record AnalysisUpstream(PointLoader.Finished pretrain, Map<Double, PointLoader.Finished> finetunes,
                        Map<Integer, PointLoader.Finished> averages, Map<String, Object> inputs) {

    static AnalysisUpstream of(ArtifactStore store, Branch b, Setup<?> setup) throws IOException {
        var c = b.config();
        String id = c.studyId();
        // Every upstream manifest at once: one round trip instead of one per stage.
        List<PointLoader.Wanted> wanted = new ArrayList<>();
        wanted.add(new PointLoader.Wanted(StudyLayout.pretrain(id, b.plr(), b.seed()), PretrainStage.NAME));
        for (double flr : c.flrs()) {
            wanted.add(new PointLoader.Wanted(StudyLayout.finetune(id, b.plr(), b.seed(), flr), "finetune flr=" + flr));
        }
        for (int k : c.swaKs()) {
            wanted.add(new PointLoader.Wanted(StudyLayout.average(id, b.plr(), b.seed(), k), "average k=" + k));
        }
        Iterator<PointLoader.Finished> read = PointLoader.finished(store, wanted).iterator();
        PointLoader.Finished pretrain = read.next();
        Map<Double, PointLoader.Finished> finetunes = new TreeMap<>();
        for (double flr : c.flrs()) {
            finetunes.put(flr, read.next());
        }
        Map<Integer, PointLoader.Finished> averages = new TreeMap<>();
        for (int k : c.swaKs()) {
            averages.put(k, read.next());
        }
        Map<String, Object> inputs = StageCache.inputs(AnalyzeStage.NAME, b, setup);
        inputs.put("pretrainManifest", pretrain.contentHash());
        Map<String, String> upstream = new TreeMap<>();
        finetunes.forEach((flr, f) -> upstream.put("finetune/" + RateLabel.of(flr), f.contentHash()));
        averages.forEach((k, f) -> upstream.put("average/" + k, f.contentHash()));
        inputs.put("upstreamManifests", upstream);
        inputs.put("geometry", Map.of("flrLow", c.geometryFlrLow(), "flrHigh", c.geometryFlrHigh(),
                "k", c.geometryK(), "points", ErrorBarrier.POINTS));
        // The results record whether pre-training converged and the sharpness estimates: both depend on these.
        inputs.put("convergenceLoss", c.convergenceLoss());
        inputs.put("sharpness", Map.of("probes", c.sharpnessProbes(), "iterations", c.sharpnessIterations()));
        setup.describeAnalysis(inputs);
        return new AnalysisUpstream(pretrain, finetunes, averages, inputs);
    }

    /** The pre-trained point and the fine-tuned and averaged points of the branch, by FLR and K. */
    record Points<P>(P pretrain, Map<Double, P> finetune, Map<Integer, P> average) {
    }

    /**
     * Reads every point of the branch, each from the manifest read for the fingerprint and fetched
     * ahead of its turn; an object found corrupt or missing has its stage recomputed
     * ({@link UpstreamRepair}) and is read again from the new manifest.
     */
    <P> Points<P> points(ArtifactStore store, ComputeContext compute, Branch b, Setup<P> setup,
                         StageProgress progress) throws IOException {
        String id = b.studyId();
        double plr = b.plr();
        int seed = b.seed();
        List<ReadAhead.Item> order = new ArrayList<>();
        order.add(pretrain.item(setup.pretrainedPoint()));
        finetunes.values().forEach(f -> order.add(f.item(FinetuneStage.RESULT)));
        averages.values().forEach(f -> order.add(f.item(AverageStage.RESULT)));
        try (ReadAhead ahead = ReadAhead.of(order, PointLoader.READ_AHEAD_BYTES)) {
            P pre = UpstreamRepair.read(store, pretrain, PretrainStage.NAME,
                    f -> setup.decode(ahead.read(f.item(setup.pretrainedPoint()))),
                    () -> new PretrainStage(store, compute).run(b, true, progress), progress);
            Map<Double, P> ft = new TreeMap<>();
            for (var e : finetunes.entrySet()) {
                double flr = e.getKey();
                ft.put(flr, UpstreamRepair.read(store, e.getValue(), "finetune flr=" + flr,
                        f -> setup.decode(ahead.read(f.item(FinetuneStage.RESULT))),
                        () -> new FinetuneStage(store, compute).run(id, plr, seed, flr, true, progress), progress));
            }
            Map<Integer, P> swa = new TreeMap<>();
            for (var e : averages.entrySet()) {
                int k = e.getKey();
                swa.put(k, UpstreamRepair.read(store, e.getValue(), "average k=" + k,
                        f -> setup.decode(ahead.read(f.item(AverageStage.RESULT))),
                        () -> new AverageStage(store, compute).run(id, plr, seed, k, true, progress), progress));
            }
            return new Points<>(pre, ft, swa);
        }
    }
}
