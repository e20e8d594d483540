package io.lrsweep.stages;

import io.lrsweep.report.BaselineChoice;
import io.lrsweep.report.StudyAggregation;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Fingerprint;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import io.lrsweep.study.BaselinePlan;
import io.lrsweep.study.StudyConfig;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Chooses the study's baselines from its sweep's analyses and writes the plan ({@code baselines/plan}). */
public final class BaselinePlanStage {
    public static final String NAME = "baselines";
    private final ArtifactStore store;
    private final ComputeContext compute;

    /** @param compute where a lost analysis is recomputed */
    public BaselinePlanStage(ArtifactStore store, ComputeContext compute) {
        this.store = store;
        this.compute = compute;
    }

    public BaselinePlan run(String studyId, boolean force, StageProgress progress) throws IOException {
        StudyConfig c = Studies.load(store, studyId);
        StudyAnalyses analyses = StudyAnalyses.read(store, compute, c, progress);
        StageDirectory dir = new StageDirectory(store, StudyLayout.baselinePlan(studyId));
        Map<String, Object> inputs = analyses.inputs(NAME, c);
        String fingerprint = Fingerprint.of(inputs);
        Optional<StageOutcome> cached = StageCache.lookup(dir, fingerprint, Reuse.of(force));
        if (cached.isPresent()) {
            return Baselines.plan(store, studyId).orElseThrow();
        }
        BaselinePlan plan = BaselineChoice.of(c, StudyAggregation.aggregate(c, analyses.branches(), List.of(),
                List.of()));
        dir.write(Baselines.PLAN, Json.bytes(plan));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("convergeRuns", plan.converge().size());
        metrics.put("twoStage", plan.twoStage());
        Manifest m = dir.commit(NAME, fingerprint, inputs, List.of(Baselines.PLAN), metrics, CodeVersion.full());
        progress.log("baselines planned: " + plan.converge().size() + " runs trained to convergence"
                + (plan.twoStage() == null ? ", no two-stage pre-training (no 2A or no 2B PLR)"
                : ", two-stage pre-training " + plan.twoStage().plrFirst() + " then " + plan.twoStage().plrSecond()
                + " for " + plan.seeds() + " seeds") + " (manifest " + m.fingerprint().substring(0, 12) + ")");
        return plan;
    }
}
