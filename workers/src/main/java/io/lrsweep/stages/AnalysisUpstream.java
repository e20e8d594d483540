package io.lrsweep.stages;

import io.lrsweep.science.ErrorBarrier;
import io.lrsweep.storage.ArtifactStore;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The finished stages an analysis of one branch reads (pre-training, every fine-tuning, every
 * average) and the fingerprint inputs they give it; an unfinished one is an error.
 */
record AnalysisUpstream(PointLoader.Finished pretrain, Map<Double, PointLoader.Finished> finetunes,
                        Map<Integer, PointLoader.Finished> averages, Map<String, Object> inputs) {

    static AnalysisUpstream of(ArtifactStore store, Branch b) throws IOException {
        var c = b.config();
        String id = c.studyId();
        PointLoader.Finished pretrain = PointLoader.finished(store, StudyLayout.pretrain(id, b.plr(), b.seed()),
                "pretrain");
        Map<Double, PointLoader.Finished> finetunes = new TreeMap<>();
        for (double flr : c.flrs()) {
            finetunes.put(flr, PointLoader.finished(store, StudyLayout.finetune(id, b.plr(), b.seed(), flr),
                    "finetune flr=" + flr));
        }
        Map<Integer, PointLoader.Finished> averages = new TreeMap<>();
        for (int k : c.swaKs()) {
            averages.put(k, PointLoader.finished(store, StudyLayout.average(id, b.plr(), b.seed(), k),
                    "average k=" + k));
        }
        Map<String, Object> inputs = StageCache.inputs(AnalyzeStage.NAME, b);
        inputs.put("pretrainManifest", pretrain.contentHash());
        Map<String, String> upstream = new TreeMap<>();
        finetunes.forEach((flr, f) -> upstream.put("finetune/" + StudyLayout.rate(flr), f.contentHash()));
        averages.forEach((k, f) -> upstream.put("average/" + k, f.contentHash()));
        inputs.put("upstreamManifests", upstream);
        inputs.put("geometry", Map.of("flrLow", c.geometryFlrLow(), "flrHigh", c.geometryFlrHigh(),
                "k", c.geometryK(), "points", ErrorBarrier.POINTS));
        return new AnalysisUpstream(pretrain, finetunes, averages, inputs);
    }

    /** Decodes the point stored as {@code name} in a finished stage (synthetic or image checkpoint). */
    @FunctionalInterface
    interface Decoder<T> {
        T point(PointLoader.Finished stage, String name) throws IOException;
    }

    /** The pre-trained point and the fine-tuned and averaged points of the branch, by FLR and K. */
    record Points<T>(T pretrain, Map<Double, T> finetune, Map<Integer, T> average) {
    }

    /**
     * Reads every point of the branch; an object found corrupt or missing has its stage recomputed
     * ({@link UpstreamRepair}). {@code pretrainedPoint} names the pre-trained point's checkpoint.
     */
    <T> Points<T> points(ArtifactStore store, Branch b, String pretrainedPoint, Decoder<T> decoder,
                         StageProgress progress) throws IOException {
        String id = b.studyId();
        double plr = b.plr();
        int seed = b.seed();
        T pre = UpstreamRepair.read(store, pretrain.dir().prefix(), "pretrain",
                f -> decoder.point(f, pretrainedPoint),
                () -> new PretrainStage(store).run(id, plr, seed, true, progress), progress);
        Map<Double, T> ft = new TreeMap<>();
        for (var e : finetunes.entrySet()) {
            double flr = e.getKey();
            ft.put(flr, UpstreamRepair.read(store, e.getValue().dir().prefix(), "finetune flr=" + flr,
                    f -> decoder.point(f, FinetuneStage.RESULT),
                    () -> new FinetuneStage(store).run(id, plr, seed, flr, true, progress), progress));
        }
        Map<Integer, T> swa = new TreeMap<>();
        for (var e : averages.entrySet()) {
            int k = e.getKey();
            swa.put(k, UpstreamRepair.read(store, e.getValue().dir().prefix(), "average k=" + k,
                    f -> decoder.point(f, AverageStage.RESULT),
                    () -> new AverageStage(store).run(id, plr, seed, k, true, progress), progress));
        }
        return new Points<>(pre, ft, swa);
    }
}
