package io.lrsweep.workflows;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
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
        for (String wf : new String[] {"lrsweep_study.json", "lrsweep_branch.json"}) {
            for (JsonNode t : read(wf).get("tasks")) {
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
        for (String training : new String[] {"lrsweep_pretrain", "lrsweep_finetune"}) {
            JsonNode t = findTask(training);
            assertThat(t.get("timeoutSeconds").asInt()).as(training).isGreaterThanOrEqualTo(24 * 3600);
        }
    }

    @Test
    void dynamicForksReadTheParametersThatTheirInputsProvide() throws IOException {
        for (String wf : new String[] {"lrsweep_study.json", "lrsweep_branch.json"}) {
            JsonNode def = read(wf);
            assertThat(def.get("name").asText()).isEqualTo(wf.replace(".json", ""));
            JsonNode tasks = def.get("tasks");
            for (int i = 0; i < tasks.size(); i++) {
                JsonNode t = tasks.get(i);
                if (t.get("type").asText().equals("FORK_JOIN_DYNAMIC")) {
                    JsonNode inputs = t.get("inputParameters");
                    assertThat(inputs.has(t.get("dynamicForkTasksParam").asText())).as(wf).isTrue();
                    assertThat(inputs.has(t.get("dynamicForkTasksInputParamName").asText())).as(wf).isTrue();
                    assertThat(tasks.get(i + 1).get("type").asText()).as("a JOIN follows the fork in " + wf)
                            .isEqualTo("JOIN");
                }
            }
        }
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
