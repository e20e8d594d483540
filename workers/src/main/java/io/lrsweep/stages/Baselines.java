package io.lrsweep.stages;

import io.lrsweep.setup.ComputeContext;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.study.BaselinePlan;
import io.lrsweep.study.BaselineResults;
import io.lrsweep.study.RateLabel;
import io.lrsweep.study.StudyConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The baselines of a study as the report reads them: the plan, and the results of every planned run. */
final class Baselines {
    static final String PLAN = "plan.json";
    static final String RESULTS = "results.json";

    private Baselines() {
    }

    /** What the baselines measured, and the content hashes that the report's fingerprint records. */
    record Measured(List<BaselineResults.Convergence> convergence, List<BaselineResults.TwoStage> twoStage,
                    Map<String, String> contentHashes) {
    }

    /** The study's baseline plan, if its plan stage has run. */
    static Optional<BaselinePlan> plan(ArtifactStore store, String studyId) throws IOException {
        StageDirectory dir = new StageDirectory(store, StudyLayout.baselinePlan(studyId));
        if (dir.manifest().isEmpty()) {
            return Optional.empty();
        }
        PointLoader.Finished f = PointLoader.finished(store, dir.prefix(), BaselinePlanStage.NAME);
        return Optional.of(Json.read(f.read(PLAN), BaselinePlan.class));
    }

    /**
     * The results of every run of the plan (none when no plan was made); a result found corrupt
     * or lost is recomputed by its stage.
     */
    static Measured read(ArtifactStore store, ComputeContext compute, StudyConfig c, StageProgress progress)
            throws IOException {
        String id = c.studyId();
        Map<String, String> hashes = new TreeMap<>();
        List<BaselineResults.Convergence> converged = new ArrayList<>();
        List<BaselineResults.TwoStage> twoStage = new ArrayList<>();
        Optional<BaselinePlan> plan = plan(store, id);
        if (plan.isEmpty()) {
            return new Measured(converged, twoStage, hashes);
        }
        for (BaselinePlan.ConvergeRun run : plan.get().converge()) {
            String key = "converge/" + RateLabel.of(run.plr()) + "/" + run.seed();
            converged.add(UpstreamRepair.read(store, StudyLayout.converge(id, run.plr(), run.seed()), key, f -> {
                hashes.put(key, f.contentHash());
                return Json.read(f.read(RESULTS), BaselineResults.Convergence.class);
            }, () -> new ConvergeStage(store, compute).run(id, run.plr(), run.seed(), true, progress), progress));
        }
        if (plan.get().twoStage() != null) {
            for (int seed = 0; seed < plan.get().seeds(); seed++) {
                int s = seed;
                String key = "two-stage/" + seed;
                twoStage.add(UpstreamRepair.read(store, StudyLayout.twoStage(id, seed, TwoStageStage.FINETUNE), key,
                        f -> {
                            hashes.put(key, f.contentHash());
                            return Json.read(f.read(RESULTS), BaselineResults.TwoStage.class);
                        }, () -> new TwoStageStage(store, compute).run(id, s, true, progress), progress));
            }
        }
        return new Measured(converged, twoStage, hashes);
    }
}
