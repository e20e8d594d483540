package io.lrsweep.stages;

import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.study.StudyConfig;
import io.lrsweep.study.StudyPlan;
import io.lrsweep.study.StudyResolver;
import java.io.IOException;
import java.util.Map;

/** Validates the study input, writes {@code study.json}, and plans the study's branches. */
public final class PlanStage {
    public static final String NAME = "plan";
    private final ArtifactStore store;

    public PlanStage(ArtifactStore store) {
        this.store = store;
    }

    /** {@code input} is the study workflow's input; {@code fallbackStudyId} names it when the input does not. */
    public StudyPlan run(Map<String, Object> input, String fallbackStudyId, boolean force) throws IOException {
        StudyConfig config = StudyResolver.resolve(input, fallbackStudyId);
        Studies.saveNew(store, config);
        return StudyPlan.of(config, force);
    }
}
