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
}
