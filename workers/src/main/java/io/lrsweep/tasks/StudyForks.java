package io.lrsweep.tasks;

import io.lrsweep.stages.RefineStage;
import io.lrsweep.stages.StudyLayout;
import io.lrsweep.study.BaselinePlan;
import io.lrsweep.study.SetupKind;
import io.lrsweep.study.StudyPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A study plan in Conductor's format: the plan task's output, whose {@code dynamicTasks} and
 * {@code dynamicTasksInput} drive the study's dynamic fork (one branch sub-workflow per branch),
 * and the branch's own fork (fine-tuning tasks and one averaging task), which the branch's
 * pretrain task outputs. Carried in the branch's input instead, it made the study workflow
 * 1.4 MB of JSON for 120 branches, which the server reads and parses whenever it decides the
 * study or evaluates its join.
 */
final class StudyForks {
    private StudyForks() {
    }

    static Map<String, Object> planOutput(StudyPlan plan) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stage", TaskType.PLAN.stage());
        out.put("outcome", "completed");
        out.put("studyId", plan.studyId());
        out.put("study", StudyLayout.studyJson(plan.studyId()));
        out.putAll(branchesFork(plan, "branch_"));
        return out;
    }

    /**
     * A round of refinement's output: its PLRs, {@code roundRuns} ("yes" or "no", for the switch
     * around its fork, since Conductor refuses a dynamic fork of no tasks), {@code nextRound} (the
     * loop's condition) and the fork of its branches, whose task references name the round.
     */
    static Map<String, Object> refineOutput(String studyId, RefineStage.Decided d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stage", TaskType.REFINE.stage());
        out.put("outcome", "completed");
        out.put("studyId", studyId);
        out.put("round", d.round().round());
        out.put("plrs", d.round().plrs());
        out.put("reason", d.round().reason());
        Map<String, Object> fork = branchesFork(d.branches(), "round" + d.round().round() + "_branch_");
        out.put("roundRuns", d.branches().branches().isEmpty() ? "no" : "yes");
        out.put("nextRound", d.nextRound());
        out.putAll(fork);
        return out;
    }

    /** One branch sub-workflow per branch of {@code plan} ({@code branches}, {@code dynamicTasks}, {@code dynamicTasksInput}). */
    private static Map<String, Object> branchesFork(StudyPlan plan, String refPrefix) {
        List<Map<String, Object>> tasks = new ArrayList<>();
        Map<String, Object> taskInputs = new LinkedHashMap<>();
        String branchWorkflow = LrsweepWorkflow.BRANCH.workflowName();
        int i = 0;
        for (StudyPlan.BranchPlan b : plan.branches()) {
            String ref = refPrefix + i++;
            tasks.add(Map.of("name", branchWorkflow, "taskReferenceName", ref, "type", "SUB_WORKFLOW",
                    "subWorkflowParam", Map.of("name", branchWorkflow, "version", LrsweepWorkflow.VERSION)));
            Map<String, Object> branchInput = new LinkedHashMap<>();
            branchInput.put("studyId", plan.studyId());
            branchInput.put("plr", b.plr());
            branchInput.put("seed", b.seed());
            branchInput.put("force", plan.force());
            taskInputs.put(ref, branchInput);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("branches", tasks.size());
        out.put("dynamicTasks", tasks);
        out.put("dynamicTasksInput", taskInputs);
        return out;
    }

    /**
     * The baseline plan's output: {@code baselineRuns} ("yes" or "no") picks the workflow's switch
     * case, since Conductor refuses a dynamic fork of no tasks; the fork runs one task per run
     * trained to convergence and one per seed of two-stage pre-training.
     */
    static Map<String, Object> baselineOutput(String studyId, BaselinePlan plan, boolean force) {
        List<Map<String, Object>> tasks = new ArrayList<>();
        Map<String, Object> inputs = new LinkedHashMap<>();
        int i = 0;
        for (BaselinePlan.ConvergeRun run : plan.converge()) {
            String ref = "converge_" + i++;
            tasks.add(Map.of("name", TaskType.CONVERGE.taskName(), "taskReferenceName", ref, "type", "SIMPLE"));
            inputs.put(ref, Map.of("studyId", studyId, "plr", run.plr(), "seed", run.seed(), "force", force));
        }
        if (plan.twoStage() != null) {
            for (int seed = 0; seed < plan.seeds(); seed++) {
                String ref = "two_stage_" + seed;
                tasks.add(Map.of("name", TaskType.TWO_STAGE.taskName(), "taskReferenceName", ref, "type", "SIMPLE"));
                inputs.put(ref, Map.of("studyId", studyId, "seed", seed, "force", force));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stage", TaskType.BASELINES.stage());
        out.put("outcome", "completed");
        out.put("baselineRuns", tasks.isEmpty() ? "no" : "yes");
        out.put("dynamicTasks", tasks);
        out.put("dynamicTasksInput", inputs);
        return out;
    }

    /**
     * The branch's fork ({@code stageTasks}, {@code stageInputs}): the pretrain task adds it to its
     * output. Fine-tuning runs are grouped by {@link SetupKind#finetuneTasks}; one task averages
     * over every K.
     */
    static Map<String, Object> branchFork(String studyId, StudyPlan.BranchPlan b, SetupKind kind, boolean force) {
        List<Map<String, Object>> tasks = new ArrayList<>();
        Map<String, Object> inputs = new LinkedHashMap<>();
        List<List<Double>> groups = kind.finetuneTasks(b.flrs());
        for (int j = 0; j < groups.size(); j++) {
            String ref = "finetune_" + j;
            tasks.add(Map.of("name", TaskType.FINETUNE.taskName(), "taskReferenceName", ref, "type", "SIMPLE"));
            inputs.put(ref, Map.of("studyId", studyId, "plr", b.plr(), "seed", b.seed(), "flrs", groups.get(j),
                    "force", force));
        }
        String ref = "average";
        tasks.add(Map.of("name", TaskType.AVERAGE.taskName(), "taskReferenceName", ref, "type", "SIMPLE"));
        inputs.put(ref, Map.of("studyId", studyId, "plr", b.plr(), "seed", b.seed(), "ks", b.swaKs(), "force", force));
        return Map.of("stageTasks", tasks, "stageInputs", inputs);
    }
}
