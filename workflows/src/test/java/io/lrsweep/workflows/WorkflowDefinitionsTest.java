package io.lrsweep.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WorkflowDefinitionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode read(String name) throws IOException {
        try (InputStream in = WorkflowDefinitionsTest.class.getResourceAsStream("/workflows/" + name)) {
            assertThat(in).as(name).isNotNull();
            return JSON.readTree(in);
        }
    }

    private static Set<String> taskNames() throws IOException {
        Set<String> names = new HashSet<>();
        read("tasks.json").forEach(t -> names.add(t.get("name").asText()));
        return names;
    }

    @Test
    void everySimpleTaskOfTheWorkflowsHasATaskDefinition() throws IOException {
        // That these are exactly the workers' task types is checked in the workers' TaskTypeTest.
        Set<String> defined = taskNames();
        for (String wf : new String[] {"lrsweep_study.json", "lrsweep_branch.json", "lrsweep_branches.json"}) {
            for (JsonNode t : everyTask(read(wf).get("tasks"))) {
                if (t.get("type").asText().equals("SIMPLE")) {
                    assertThat(defined).as(wf).contains(t.get("name").asText());
                }
            }
        }
    }

    @Test
    void longStagesHeartbeatThroughLeaseExtensionAndHaveNoPollTimeout() throws IOException {
        for (JsonNode t : read("tasks.json")) {
            String name = t.get("name").asText();
            assertThat(t.has("pollTimeoutSeconds")).as(name + " must not set pollTimeoutSeconds").isFalse();
            // Short, so that a dead worker's task moves within about a minute; the worker extends the
            // lease every third of it, so two extensions may be lost before a live worker's task moves.
            assertThat(t.get("responseTimeoutSeconds").asInt()).as(name).isBetween(15, 45);
            assertThat(t.get("timeoutSeconds").asInt()).as(name).isGreaterThan(t.get("responseTimeoutSeconds").asInt());
            assertThat(t.get("retryCount").asInt()).as(name).isPositive();
            assertThat(t.get("retryLogic").asText()).as(name).isEqualTo("EXPONENTIAL_BACKOFF");
            assertThat(t.get("ownerEmail").asText()).contains("@");
        }
        for (String training : new String[] {"lrsweep_pretrain", "lrsweep_finetune", "lrsweep_whole_branch"}) {
            JsonNode t = findTask(training);
            assertThat(t.get("timeoutSeconds").asInt()).as(training).isGreaterThanOrEqualTo(24 * 3600);
        }
    }

    @Test
    void dynamicForksReadTheParametersThatTheirInputsProvide() throws IOException {
        for (String wf : new String[] {"lrsweep_study.json", "lrsweep_branch.json", "lrsweep_branches.json"}) {
            JsonNode def = read(wf);
            assertThat(def.get("name").asText()).isEqualTo(wf.replace(".json", ""));
            int forks = 0;
            for (JsonNode tasks : taskLists(def.get("tasks"))) {
                for (int i = 0; i < tasks.size(); i++) {
                    JsonNode t = tasks.get(i);
                    if (t.get("type").asText().equals("FORK_JOIN_DYNAMIC")) {
                        forks++;
                        JsonNode inputs = t.get("inputParameters");
                        assertThat(inputs.has(t.get("dynamicForkTasksParam").asText())).as(wf).isTrue();
                        assertThat(inputs.has(t.get("dynamicForkTasksInputParamName").asText())).as(wf).isTrue();
                        assertThat(tasks.get(i + 1).get("type").asText()).as("a JOIN follows the fork in " + wf)
                                .isEqualTo("JOIN");
                    }
                }
            }
            // The study: branches, ten refinement rounds, baselines; the branch: its stages; a group: its branches.
            assertThat(forks).as(wf).isEqualTo(wf.startsWith("lrsweep_study") ? 12 : 1);
        }
    }

    @Test
    void refinementRoundsAreAChainOfStepsEachForkingOnlyWhenItsRoundHasBranchesThenGoingOn() throws IOException {
        // Round k's refine task, then a switch whose "yes" case forks the round's branches, joins,
        // and holds round k + 1's step; no loop (3.32.3's retry fails on a task inside a DO_WHILE).
        JsonNode tasks = read("lrsweep_study.json").get("tasks");
        JsonNode step = null;
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i).get("name").asText().equals("lrsweep_refine")) {
                step = tasks;
                int at = i;
                int round = 1;
                while (step != null) {
                    JsonNode refine = step.get(at);
                    assertThat(refine.get("name").asText()).isEqualTo("lrsweep_refine");
                    assertThat(refine.get("inputParameters").get("round").asInt()).isEqualTo(round);
                    String ref = refine.get("taskReferenceName").asText();
                    JsonNode decision = step.get(at + 1);
                    assertThat(decision.get("type").asText()).isEqualTo("SWITCH");
                    assertThat(decision.get("inputParameters").get(decision.get("expression").asText()).asText())
                            .isEqualTo("${" + ref + ".output.roundRuns}");
                    assertThat(decision.get("defaultCase")).isEmpty();
                    JsonNode yes = decision.get("decisionCases").get("yes");
                    assertThat(yes.get(0).get("type").asText()).isEqualTo("FORK_JOIN_DYNAMIC");
                    assertThat(yes.get(0).get("inputParameters").get("dynamicTasks").asText())
                            .isEqualTo("${" + ref + ".output.dynamicTasks}");
                    step = yes.size() > 2 ? yes : null;
                    at = 2;
                    round++;
                }
                assertThat(round - 1).as("steps: the most rounds a study may ask for").isEqualTo(10);
            }
        }
        assertThat(step).as("the chain was found and walked to its end").isNull();
        assertThat(everyTask(tasks)).noneMatch(t -> t.get("type").asText().equals("DO_WHILE"));
    }

    /** Every list of tasks of a workflow: its own, each loop's body and each switch case, at any depth. */
    private static List<JsonNode> taskLists(JsonNode tasks) {
        List<JsonNode> lists = new ArrayList<>();
        lists.add(tasks);
        for (JsonNode t : tasks) {
            if (t.has("loopOver")) {
                lists.addAll(taskLists(t.get("loopOver")));
            }
            if (t.has("decisionCases")) {
                t.get("decisionCases").forEach(c -> lists.addAll(taskLists(c)));
            }
            if (t.has("defaultCase")) {
                lists.addAll(taskLists(t.get("defaultCase")));
            }
        }
        return lists;
    }

    private static List<JsonNode> everyTask(JsonNode tasks) {
        List<JsonNode> all = new ArrayList<>();
        taskLists(tasks).forEach(l -> l.forEach(all::add));
        return all;
    }

    private static JsonNode findTask(String name) throws IOException {
        for (JsonNode t : read("tasks.json")) {
            if (t.get("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no task " + name);
    }
}
