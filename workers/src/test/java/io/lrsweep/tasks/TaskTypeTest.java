package io.lrsweep.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.conductor.common.metadata.tasks.TaskDef;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import io.lrsweep.study.BaselinePlan;
import io.lrsweep.stages.RefineStage;
import io.lrsweep.study.PlannedStages;
import io.lrsweep.study.Presets;
import io.lrsweep.study.Refine;
import io.lrsweep.study.RefineRound;
import io.lrsweep.study.StudyPlan;
import io.lrsweep.study.StudyResolver;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The task-type catalogue, the definitions Conductor gets, and the forks the plan writes agree. */
class TaskTypeTest {
    @Test
    void everyTaskTypeHasADefinitionAndEveryDefinitionIsATaskType() throws Exception {
        List<String> defined = ConductorApi.taskDefinitions().stream().map(TaskDef::getName).toList();
        assertThat(defined).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(TaskType.values()).map(TaskType::taskName).toList());
        assertThat(defined).allSatisfy(name -> assertThat(TaskType.ofTaskName(name)).isPresent());
    }

    @Test
    void theProgressPlansEveryTaskTypeByItsStageNameAndAWholeBranchAsItsStages() {
        var c = StudyResolver.resolve(Map.of("preset", "synthetic-quick"), "s");
        assertThat(PlannedStages.of(c).stages()).extracting(PlannedStages.Planned::stage)
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(TaskType.values())
                        .filter(t -> t != TaskType.WHOLE_BRANCH).map(TaskType::stage).toList())
                .containsAll(TaskType.BRANCH_STAGES.stream().map(TaskType::stage).toList());
    }

    @Test
    void theWorkflowsCallOnlyCataloguedTasksAndTheBranchWorkflowByItsName() throws Exception {
        List<WorkflowDef> defs = ConductorApi.workflowDefinitions();
        assertThat(defs).extracting(WorkflowDef::getName).containsExactly(
                Arrays.stream(LrsweepWorkflow.values()).map(LrsweepWorkflow::workflowName).toArray(String[]::new));
        for (WorkflowDef def : defs) {
            assertThat(def.getVersion()).isEqualTo(LrsweepWorkflow.VERSION);
            for (WorkflowTask t : def.collectTasks()) {
                if (t.getType().equals("SIMPLE")) {
                    assertThat(TaskType.ofTaskName(t.getName())).as(def.getName() + " calls " + t.getName()).isPresent();
                }
            }
        }
    }

    @Test
    void theBaselineSwitchRunsItsForkExactlyWhenThePlanHasRuns() throws Exception {
        WorkflowDef study = ConductorApi.workflowDefinitions().get(0);
        WorkflowTask decision = study.getTasks().stream().filter(t -> t.getTaskReferenceName().equals("baselines_switch"))
                .findFirst().orElseThrow();
        // Conductor refuses a dynamic fork of no tasks: a plan without runs must take the default case.
        var none = StudyForks.baselineOutput("s", BaselinePlan.none(2), false);
        var some = StudyForks.baselineOutput("s", new BaselinePlan(List.of(new BaselinePlan.ConvergeRun(0.01, 0)),
                new BaselinePlan.TwoStage(0.1, 0.01), 2), false);
        assertThat(decision.getDecisionCases()).doesNotContainKey((String) none.get("baselineRuns"))
                .containsKey((String) some.get("baselineRuns"));
        assertThat((List<?>) some.get("dynamicTasks")).hasSize(1 + 2);
        WorkflowTask fork = decision.getDecisionCases().get((String) some.get("baselineRuns")).get(0);
        assertThat(fork.getType()).isEqualTo("FORK_JOIN_DYNAMIC");
        assertThat(fork.getInputParameters()).containsKeys(fork.getDynamicForkTasksParam(),
                fork.getDynamicForkTasksInputParamName());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRoundOfRefinementForksOneBranchPerPlrAndSeedAndSwitchesItsForkOffWhenItAddsNothing() throws Exception {
        // The workflow's chain has a step for the most rounds a study may ask for.
        assertThat(ConductorApi.workflowDefinitions().get(0).collectTasks()).filteredOn(t -> t.getName()
                .equals(TaskType.REFINE.taskName())).hasSize(Refine.MAX_ROUNDS);
        WorkflowDef study = ConductorApi.workflowDefinitions().get(0);
        WorkflowTask decision = study.getTasks().stream().filter(t -> t.getTaskReferenceName().equals("refine_switch_1"))
                .findFirst().orElseThrow();
        var c = Presets.find("synthetic-adaptive").orElseThrow().withStudyId("s");
        var round = new RefineRound(2, List.of(5.62e-3, 7.5e-3), 3.98e-3, 1e-2, "two PLRs");
        var some = StudyForks.refineOutput("s", new RefineStage.Decided(round, StudyPlan.of(c, round.plrs(), false),
                true));
        var stop = new RefineRound(3, List.of(), 3.98e-3, 1e-2, "done");
        var none = StudyForks.refineOutput("s", new RefineStage.Decided(stop, StudyPlan.of(c, List.of(), false),
                false));
        assertThat(decision.getDecisionCases()).containsKey((String) some.get("roundRuns"))
                .doesNotContainKey((String) none.get("roundRuns"));
        assertThat(some).containsEntry("nextRound", true).containsEntry("round", 2);
        assertThat(none).containsEntry("nextRound", false);
        var inputs = branchInputs(some);
        assertThat(inputs).hasSize(2 * c.seeds());
        // References name the round, so that no two rounds' branches share one.
        assertThat(inputs).containsKey("round2_branch_0");
        assertThat(inputs.get("round2_branch_" + c.seeds())).containsEntry("plr", 7.5e-3).containsEntry("seed", 0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void thePlanForksOneTaskPerSyntheticBranchAndOneSubWorkflowPerImageBranch() {
        // 24 branches each: a fork of branches, not of groups.
        var c = StudyResolver.resolve(Map.of("preset", "synthetic-quick", "overrides", Map.of("seeds", 2)), "s");
        Map<String, Object> out = StudyForks.planOutput(StudyPlan.of(c, false));
        assertThat((List<Map<String, Object>>) out.get("dynamicTasks")).allSatisfy(t -> assertThat(t)
                .containsEntry("name", TaskType.WHOLE_BRANCH.taskName()).containsEntry("type", "SIMPLE"));
        var inputs = branchInputs(out);
        assertThat(inputs).hasSize(c.plrs().size() * c.seeds());
        var first = inputs.get("branch_0");
        assertThat(first).containsEntry("plr", c.plrs().get(0)).containsEntry("seed", 0).doesNotContainKey("stageTasks");

        var image = Presets.find("fashion-mnist-si-convnet-quick").orElseThrow().withStudyId("i");
        Map<String, Object> imageOut = StudyForks.planOutput(StudyPlan.of(image, false));
        assertThat((List<Map<String, Object>>) imageOut.get("dynamicTasks")).allSatisfy(t -> assertThat(t)
                .containsEntry("name", LrsweepWorkflow.BRANCH.workflowName()).containsEntry("type", "SUB_WORKFLOW"));
        assertThat(branchInputs(imageOut)).hasSize(image.plrs().size() * image.seeds());
    }

    @Test
    @SuppressWarnings("unchecked")
    void aStudyOfMoreThanFiftyBranchesForksGroupsOfAtMostFiftyThatHoldEveryBranchOnceInThePlansOrder() {
        var small = StudyResolver.resolve(Map.of("preset", "synthetic-quick", "overrides", Map.of("seeds", 2)), "s");
        var flat = (List<Map<String, Object>>) StudyForks.planOutput(StudyPlan.of(small, false)).get("dynamicTasks");
        assertThat(flat).hasSize(small.plrs().size() * 2)
                .allSatisfy(b -> assertThat(b.get("name")).isEqualTo(TaskType.WHOLE_BRANCH.taskName()));

        var paper = Presets.find("synthetic-paper").orElseThrow().withStudyId("s");
        StudyPlan plan = StudyPlan.of(paper, false);
        Map<String, Object> out = StudyForks.planOutput(plan);
        var groups = (List<Map<String, Object>>) out.get("dynamicTasks");
        assertThat(groups).hasSize(Math.ceilDiv(plan.branches().size(), StudyForks.MOST_BRANCHES_PER_FORK))
                .allSatisfy(g -> assertThat(g.get("name")).isEqualTo(LrsweepWorkflow.BRANCH_GROUP.workflowName()));
        assertThat(out).containsEntry("branches", plan.branches().size());
        var groupInputs = (Map<String, Map<String, Object>>) out.get("dynamicTasksInput");
        assertThat(groupInputs.values()).allSatisfy(g -> {
            assertThat((List<?>) g.get("branchTasks")).hasSizeLessThanOrEqualTo(StudyForks.MOST_BRANCHES_PER_FORK)
                    .hasSameSizeAs(((Map<?, ?>) g.get("branchInputs")).keySet());
            assertThat(g).containsEntry("studyId", "s");
        });
        var inputs = branchInputs(out);
        assertThat(inputs.keySet()).containsExactlyElementsOf(
                java.util.stream.IntStream.range(0, plan.branches().size()).mapToObj(i -> "branch_" + i).toList());
        for (int i = 0; i < plan.branches().size(); i++) {
            assertThat(inputs.get("branch_" + i)).containsEntry("plr", plan.branches().get(i).plr())
                    .containsEntry("seed", plan.branches().get(i).seed());
        }
    }

    /** A branch in a fork: a branch sub-workflow, or one task that runs the whole branch. */
    private static void isBranch(Map<String, Object> t) {
        List<Object> nameAndType = List.of(t.get("name"), t.get("type"));
        assertThat(nameAndType).isIn(List.of(LrsweepWorkflow.BRANCH.workflowName(), "SUB_WORKFLOW"),
                List.of(TaskType.WHOLE_BRANCH.taskName(), "SIMPLE"));
    }

    /** The branches' inputs of a fork's output, by reference, through its groups if it has any. */
    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> branchInputs(Map<String, Object> forkOutput) {
        var tasks = (List<Map<String, Object>>) forkOutput.get("dynamicTasks");
        var inputs = (Map<String, Map<String, Object>>) forkOutput.get("dynamicTasksInput");
        Map<String, Map<String, Object>> out = new java.util.LinkedHashMap<>();
        for (Map<String, Object> t : tasks) {
            String ref = (String) t.get("taskReferenceName");
            if (t.get("name").equals(LrsweepWorkflow.BRANCH_GROUP.workflowName())) {
                var members = (List<Map<String, Object>>) inputs.get(ref).get("branchTasks");
                assertThat(members).allSatisfy(TaskTypeTest::isBranch);
                out.putAll((Map<String, Map<String, Object>>) inputs.get(ref).get("branchInputs"));
            } else {
                isBranch(t);
                out.put(ref, inputs.get(ref));
            }
        }
        return out;
    }

    @Test
    @SuppressWarnings("unchecked")
    void anImageBranchForksOneFinetuneTaskPerFlrAndOneAverageTask() {
        var c = Presets.find("fashion-mnist-si-convnet-quick").orElseThrow().withStudyId("s");
        var fork = StudyForks.branchFork("s", StudyPlan.of(c, false).branches().get(0), c.kind(), false);
        var stageInputs = (Map<String, Map<String, Object>>) fork.get("stageInputs");
        assertThat(stageInputs).hasSize(c.flrs().size() + 1);
        for (int j = 0; j < c.flrs().size(); j++) {
            assertThat(stageInputs.get("finetune_" + j)).containsEntry("flrs", List.of(c.flrs().get(j)));
        }
        assertThat(stageInputs.get("average")).containsEntry("ks", c.swaKs());
    }
}
