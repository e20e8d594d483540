package io.lrsweep.tasks;

import com.netflix.conductor.common.metadata.tasks.Task;
import io.lrsweep.report.ReportLinks;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.stages.AnalyzeStage;
import io.lrsweep.stages.AverageStage;
import io.lrsweep.stages.BaselinePlanStage;
import io.lrsweep.stages.ConvergeStage;
import io.lrsweep.stages.FinetuneStage;
import io.lrsweep.stages.PlanStage;
import io.lrsweep.stages.PretrainStage;
import io.lrsweep.stages.RefineStage;
import io.lrsweep.stages.ReportStage;
import io.lrsweep.stages.StageOutcome;
import io.lrsweep.stages.StageProgress;
import io.lrsweep.stages.TwoStageStage;
import io.lrsweep.stages.Studies;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.study.Branch;
import io.lrsweep.study.StudyConfig;
import io.lrsweep.study.StudyPlan;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** The stage behind each task type, called with the task's parsed input. */
final class TaskStages {
    private final PlanStage plan;
    private final PretrainStage pretrain;
    private final FinetuneStage finetune;
    private final AverageStage average;
    private final AnalyzeStage analyze;
    private final RefineStage refine;
    private final BaselinePlanStage baselines;
    private final ConvergeStage converge;
    private final TwoStageStage twoStage;
    private final ReportStage report;

    private final ArtifactStore store;

    /** @param links where reports link to their workflow and dashboards */
    TaskStages(ArtifactStore store, ComputeContext compute, ReportLinks links) {
        this.store = store;
        this.plan = new PlanStage(store);
        this.pretrain = new PretrainStage(store, compute);
        this.finetune = new FinetuneStage(store, compute);
        this.average = new AverageStage(store, compute);
        this.analyze = new AnalyzeStage(store, compute);
        this.refine = new RefineStage(store, compute);
        this.baselines = new BaselinePlanStage(store, compute);
        this.converge = new ConvergeStage(store, compute);
        this.twoStage = new TwoStageStage(store, compute);
        this.report = new ReportStage(store, compute, links);
    }

    StageOutcome run(TaskType type, Task task, TaskInput in, StageProgress progress) throws IOException {
        return switch (type) {
            case PLAN -> {
                // The whole workflow input, so that a field the study does not know is refused rather
                // than dropped (the named task inputs carry only the known ones), less the flag that
                // is not part of the study.
                Map<?, ?> given = task.getInputData().get("input") instanceof Map<?, ?> m ? m : task.getInputData();
                Map<String, Object> input = new LinkedHashMap<>();
                given.forEach((k, v) -> input.put(String.valueOf(k), v));
                input.remove("force");
                input.values().removeIf(Objects::isNull);
                var planned = plan.run(input, task.getWorkflowInstanceId(), in.flag("force"));
                yield new StageOutcome(PlanStage.NAME, false, StudyForks.planOutput(planned));
            }
            case PRETRAIN -> {
                String studyId = in.string("studyId");
                Branch b = new Branch(Studies.load(store, studyId), in.number("plr"), in.integer("seed"));
                StageOutcome done = pretrain.run(b, in.flag("force"), progress);
                StudyConfig c = b.config();
                Map<String, Object> outputs = new LinkedHashMap<>(done.outputs());
                outputs.putAll(StudyForks.branchFork(studyId, new StudyPlan.BranchPlan(b.plr(), b.seed(), c.flrs(),
                        c.swaKs()), c.kind(), in.flag("force")));
                yield new StageOutcome(done.stage(), done.cached(), outputs);
            }
            case FINETUNE -> finetune.run(in.string("studyId"), in.number("plr"), in.integer("seed"),
                    in.numbers("flrs"), in.flag("force"), progress);
            case AVERAGE -> average.run(in.string("studyId"), in.number("plr"), in.integer("seed"), in.integers("ks"),
                    in.flag("force"), progress);
            case ANALYZE -> analyze.run(in.string("studyId"), in.number("plr"), in.integer("seed"), in.flag("force"),
                    progress);
            case REFINE -> {
                // The round is fixed by the task's place in the workflow's chain, so that a round
                // decided again after a retry or a restart is the same round, found cached.
                int round = in.integer("round");
                String studyId = in.string("studyId");
                yield new StageOutcome(RefineStage.NAME, false, StudyForks.refineOutput(studyId,
                        refine.run(studyId, round, in.flag("force"), progress)));
            }
            case BASELINES -> {
                String studyId = in.string("studyId");
                yield new StageOutcome(BaselinePlanStage.NAME, false, StudyForks.baselineOutput(studyId,
                        baselines.run(studyId, in.flag("force"), progress), in.flag("force")));
            }
            case CONVERGE -> converge.run(in.string("studyId"), in.number("plr"), in.integer("seed"), in.flag("force"),
                    progress);
            case TWO_STAGE -> twoStage.run(in.string("studyId"), in.integer("seed"), in.flag("force"), progress);
            case REPORT -> report.run(in.string("studyId"), task.getWorkflowInstanceId(), in.flag("force"), progress);
        };
    }
}
