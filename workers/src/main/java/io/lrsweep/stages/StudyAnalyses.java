package io.lrsweep.stages;

import io.lrsweep.setup.ComputeContext;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.ReadAhead;
import io.lrsweep.study.BranchResults;
import io.lrsweep.study.RateLabel;
import io.lrsweep.study.StudyConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every branch analysis of a study, read through its manifest (an analysis found corrupt or lost
 * is recomputed), with the content hashes that the fingerprints of the stages reading them record.
 */
record StudyAnalyses(Map<Double, List<BranchResults>> branches, Map<String, String> contentHashes) {

    /** The fingerprint inputs of a study-wide stage that reads these analyses. */
    Map<String, Object> inputs(String stage, StudyConfig c) {
        Map<String, Object> in = new LinkedHashMap<>();
        in.put("stage", stage);
        in.put("scienceRevision", CodeVersion.SCIENCE_REVISION);
        in.put("study", c);
        in.put("analyses", contentHashes);
        return in;
    }

    static StudyAnalyses read(ArtifactStore store, ComputeContext compute, StudyConfig c, StageProgress progress)
            throws IOException {
        String studyId = c.studyId();
        // Every manifest at once, then the results fetched ahead: a study of many branches waits a
        // few round trips, not two per branch.
        List<PointLoader.Wanted> wanted = new ArrayList<>();
        for (double plr : c.plrs()) {
            for (int seed = 0; seed < c.seeds(); seed++) {
                wanted.add(new PointLoader.Wanted(StudyLayout.analyze(studyId, plr, seed),
                        "analyze plr=" + plr + " seed=" + seed));
            }
        }
        List<PointLoader.Finished> all = PointLoader.finished(store, wanted);
        Map<Double, List<BranchResults>> branches = new TreeMap<>();
        Map<String, String> hashes = new TreeMap<>();
        try (ReadAhead ahead = ReadAhead.of(all.stream().map(f -> f.item(AnalyzeStage.RESULTS)).toList(),
                PointLoader.READ_AHEAD_BYTES)) {
            Iterator<PointLoader.Wanted> names = wanted.iterator();
            Iterator<PointLoader.Finished> next = all.iterator();
            for (double plr : c.plrs()) {
                for (int seed = 0; seed < c.seeds(); seed++) {
                    int s = seed;
                    PointLoader.Finished analysis = next.next();
                    BranchResults results = UpstreamRepair.read(store, analysis, names.next().what(),
                            f -> {
                                hashes.put(RateLabel.of(plr) + "/" + s, f.contentHash());
                                return Json.read(ahead.read(f.item(AnalyzeStage.RESULTS)), BranchResults.class);
                            }, () -> new AnalyzeStage(store, compute).run(studyId, plr, s, true, progress), progress);
                    branches.computeIfAbsent(plr, p -> new ArrayList<>()).add(results);
                }
            }
        }
        return new StudyAnalyses(branches, hashes);
    }
}
