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
 * {@code dynamicTasksInput} drive the study's dynamic fork (one branch sub-workflow or task per
 * branch, or groups of them in a large study),
 * and an image branch's own fork (fine-tuning tasks and one averaging task), which the branch's
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

    /**
     * The most branches one workflow forks. A study of more forks groups of branches (each a
     * sub-workflow of its own) instead: the server reads a whole workflow, every task with its
     * input, whenever one of its sub-workflows starts or ends, so a study that forked its 1,150
     * branches itself read 3.2 MB of JSON over 2,300 times, which kept the server at 0.75 of a core
     * for the study's first minutes.
     */
    static final int MOST_BRANCHES_PER_FORK = 50;

    /**
     * The fork of {@code plan}'s branches ({@code branches}, {@code dynamicTasks},
     * {@code dynamicTasksInput}): one branch sub-workflow per branch (or one {@code whole_branch}
     * task, where the setup kind runs a branch in one task), or, beyond
     * {@link #MOST_BRANCHES_PER_FORK}, groups of consecutive branches of near-equal size.
     */
    private static Map<String, Object> branchesFork(StudyPlan plan, String refPrefix) {
        List<Map<String, Object>> branchTasks = new ArrayList<>();
        Map<String, Object> branchInputs = new LinkedHashMap<>();
        int i = 0;
        for (StudyPlan.BranchPlan b : plan.branches()) {
            String ref = refPrefix + i++;
            branchTasks.add(plan.kind().branchInOneTask()
                    ? Map.of("name", TaskType.WHOLE_BRANCH.taskName(), "taskReferenceName", ref, "type", "SIMPLE")
                    : subWorkflow(LrsweepWorkflow.BRANCH, ref));
            Map<String, Object> branchInput = new LinkedHashMap<>();
            branchInput.put("studyId", plan.studyId());
            branchInput.put("plr", b.plr());
            branchInput.put("seed", b.seed());
            branchInput.put("force", plan.force());
            branchInputs.put(ref, branchInput);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("branches", branchTasks.size());
        int groups = Math.ceilDiv(branchTasks.size(), MOST_BRANCHES_PER_FORK);
        if (groups <= 1) {
            out.put("dynamicTasks", branchTasks);
            out.put("dynamicTasksInput", branchInputs);
            return out;
        }
        List<Map<String, Object>> groupTasks = new ArrayList<>();
        Map<String, Object> groupInputs = new LinkedHashMap<>();
        List<String> refs = List.copyOf(branchInputs.keySet());
        for (int g = 0; g < groups; g++) {
            int from = g * refs.size() / groups;
            int to = (g + 1) * refs.size() / groups;
            String ref = refPrefix + "group_" + g;
            groupTasks.add(subWorkflow(LrsweepWorkflow.BRANCH_GROUP, ref));
            Map<String, Object> members = new LinkedHashMap<>();
            refs.subList(from, to).forEach(r -> members.put(r, branchInputs.get(r)));
            groupInputs.put(ref, Map.of("studyId", plan.studyId(), "branchTasks", branchTasks.subList(from, to),
                    "branchInputs", members));
        }
        out.put("dynamicTasks", groupTasks);
        out.put("dynamicTasksInput", groupInputs);
        return out;
    }

    private static Map<String, Object> subWorkflow(LrsweepWorkflow workflow, String ref) {
        String name = workflow.workflowName();
        return Map.of("name", name, "taskReferenceName", ref, "type", "SUB_WORKFLOW",
                "subWorkflowParam", Map.of("name", name, "version", LrsweepWorkflow.VERSION));
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
