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
import io.lrsweep.stages.Reuse;
import io.lrsweep.stages.StageOutcome;
import io.lrsweep.stages.StageProgress;
import io.lrsweep.stages.StudyLayout;
import io.lrsweep.stages.TwoStageStage;
import io.lrsweep.stages.Studies;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.BackgroundHints;
import io.lrsweep.storage.ListedPrefixStore;
import io.lrsweep.storage.OwnWritesStore;
import io.lrsweep.study.Branch;
import io.lrsweep.study.StudyConfig;
import io.lrsweep.study.StudyPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

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
    private final ComputeContext compute;

    /**
     * The most bytes a whole-branch task holds of what it wrote, to read them back without the
     * store: a synthetic branch writes about 1.1 MB (its window is 0.8 MB); image setups run no
     * whole-branch tasks.
     */
    static final long BRANCH_WRITES_HELD_BYTES = 4L << 20;

    /** @param links where reports link to their workflow and dashboards */
    TaskStages(ArtifactStore store, ComputeContext compute, ReportLinks links) {
        this.store = store;
        this.compute = compute;
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

    /** Runs one stage of a task with the worker's bookkeeping around it (counters, metrics, CPU time). */
    @FunctionalInterface
    interface StageScope {
        StageOutcome run(TaskType stage, Callable<StageOutcome> work) throws Exception;
    }

    /**
     * The task's work: its one stage in {@code scope}, or, for a {@link TaskType#WHOLE_BRANCH}, each
     * of the branch's stages in turn, each in {@code scope}.
     */
    StageOutcome run(TaskType type, Task task, TaskInput in, StageProgress progress, StageScope scope)
            throws Exception {
        return type == TaskType.WHOLE_BRANCH ? wholeBranch(in, progress, scope)
                : scope.run(type, () -> one(type, task, in, progress));
    }

    /**
     * A branch's stages in one task, each found cached or computed and stored as its own task would:
     * a retry or a resumed study recomputes only the stages that had not finished. The output
     * names each stage's outcome, time and the study it was reused from, if any ({@code stages}),
     * and, as a branch sub-workflow's does, the analysis ({@code analysis}, {@code metrics}).
     */
    private StageOutcome wholeBranch(TaskInput in, StageProgress progress, StageScope scope) throws Exception {
        boolean force = in.flag("force");
        // The study is read once for all the branch's stages.
        Branch b = new Branch(Studies.load(store, in.string("studyId")), in.number("plr"), in.integer("seed"));
        StudyConfig c = b.config();
        // One listing of the branch's folder answers which stages have a manifest or a resume
        // checkpoint (on an object store, a dozen "no such key" reads in a new study); each stage
        // reads the manifests and points the one before it wrote from memory, not the store; the
        // index entries go out while the next stage runs, and the task ends once they are written.
        BackgroundHints own = new BackgroundHints(new OwnWritesStore(ListedPrefixStore.listing(store,
                StudyLayout.branch(b.studyId(), b.plr(), b.seed())), BRANCH_WRITES_HELD_BYTES));
        List<Map<String, Object>> stages = new ArrayList<>();
        boolean cached = true;
        StageOutcome analysed = null;
        // A pre-training computed here is new content, which the later stages' fingerprints name.
        Reuse downstream = Reuse.of(force);
        try {
            for (TaskType stage : TaskType.BRANCH_STAGES) {
                long began = System.nanoTime();
                Reuse reuse = downstream;
                StageOutcome done = scope.run(stage, () -> switch (stage) {
                    case PRETRAIN -> new PretrainStage(own, compute).run(b, force, progress);
                    case FINETUNE -> new FinetuneStage(own, compute).run(b, c.flrs(), reuse, progress);
                    case AVERAGE -> new AverageStage(own, compute).run(b, c.swaKs(), reuse, progress);
                    case ANALYZE -> new AnalyzeStage(own, compute).run(b, reuse, progress);
                    default -> throw new IllegalStateException(stage + " is not a stage of a branch");
                });
                if (stage == TaskType.PRETRAIN && !done.cached() && !force) {
                    downstream = Reuse.OWN;
                }
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("stage", stage.stage());
                entry.put("outcome", done.outcome());
                entry.put("seconds", (System.nanoTime() - began) / 1e9);
                if (done.outputs().get("reused_from") != null) {
                    entry.put("reused_from", done.outputs().get("reused_from"));
                }
                stages.add(entry);
                cached &= done.cached();
                analysed = done;
            }
        } finally {
            own.awaitHints();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stage", TaskType.WHOLE_BRANCH.stage());
        out.put("outcome", cached ? "cached" : "completed");
        out.put("stages", stages);
        out.put("analysis", analysed.outputs().get("manifest"));
        out.put("metrics", analysed.outputs().get("metrics"));
        return new StageOutcome(TaskType.WHOLE_BRANCH.stage(), cached, out);
    }

    private StageOutcome one(TaskType type, Task task, TaskInput in, StageProgress progress) throws IOException {
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
            case REPORT -> {
                String studyId = in.string("studyId");
                yield report.run(studyId, ReportStage.workflowOnPage(studyId, task.getWorkflowInstanceId()),
                        in.flag("force"), progress);
            }
            case WHOLE_BRANCH -> throw new IllegalStateException("a whole branch is several stages");
        };
    }
}
