package io.lrsweep.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskDef;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.metadata.workflow.WorkflowTask;
import com.netflix.conductor.common.run.Workflow;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConductorApiTest {
    @Test
    void aWorkflowWithTasksBecomesATreeWithTheServersFieldNames() {
        WorkflowTask step = new WorkflowTask();
        step.setName("lrsweep_pretrain");
        step.setTaskDefinition(new TaskDef("lrsweep_pretrain"));
        Task task = new Task();
        task.setTaskType("lrsweep_pretrain");
        task.setStatus(Task.Status.COMPLETED);
        task.setWorkflowTask(step);
        task.setStartTime(1_000L);
        task.setEndTime(3_500L);
        WorkflowDef def = new WorkflowDef();
        def.setName("lrsweep_study");
        def.setVersion(1);
        Workflow workflow = new Workflow();
        workflow.setWorkflowDefinition(def);
        workflow.setStatus(Workflow.WorkflowStatus.RUNNING);
        workflow.setTasks(List.of(task));

        JsonNode tree = ConductorApi.tree(workflow);

        assertThat(tree.path("status").asText()).isEqualTo("RUNNING");
        assertThat(tree.path("workflowName").asText()).isEqualTo("lrsweep_study");
        JsonNode t = tree.path("tasks").path(0);
        assertThat(t.path("taskType").asText()).isEqualTo("lrsweep_pretrain");
        assertThat(t.path("status").asText()).isEqualTo("COMPLETED");
        assertThat(t.path("endTime").asLong() - t.path("startTime").asLong()).isEqualTo(2_500L);
        assertThat(t.has("taskDefinition")).isFalse();
    }
}
