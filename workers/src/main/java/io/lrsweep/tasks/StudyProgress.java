package io.lrsweep.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a study stands: its status and, per stage, how many tasks are done, cached, running, failed
 * ({@code branches} is -1 where unknown).
 */
public record StudyProgress(String workflowId, String status, String reason, int branches,
                            Map<String, StageCount> stages, List<String> failures, JsonNode output) {

    /** Task counts of one stage across all branches. */
    public record StageCount(int completed, int cached, int running, int failed) {
        StageCount add(String status, boolean cached) {
            return switch (status) {
                case "COMPLETED" -> cached ? new StageCount(completed, this.cached + 1, running, failed)
                        : new StageCount(completed + 1, this.cached, running, failed);
                case "IN_PROGRESS", "SCHEDULED" -> new StageCount(completed, this.cached, running + 1, failed);
                case "FAILED", "FAILED_WITH_TERMINAL_ERROR", "TIMED_OUT", "CANCELED" ->
                        new StageCount(completed, this.cached, running, failed + 1);
                default -> this;
            };
        }
    }

    private static final ObjectMapper OUTPUT = new ObjectMapper();

    public boolean finished() {
        return !status.equals("RUNNING") && !status.equals("PAUSED");
    }

    public static StudyProgress of(ConductorApi api, String workflowId) throws IOException {
        Workflow wf = api.workflow(workflowId);
        Map<String, StageCount> stages = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int branches = 0;
        List<Task> all = new ArrayList<>(wf.getTasks());
        for (Task t : wf.getTasks()) {
            if (t.getTaskType().equals("SUB_WORKFLOW") && t.getSubWorkflowId() != null) {
                branches++;
                all.addAll(api.workflow(t.getSubWorkflowId()).getTasks());
            }
        }
        for (Task t : all) {
            String type = t.getTaskDefName();
            if (type == null || !type.startsWith("lrsweep_")) {
                continue;
            }
            String stage = type.substring("lrsweep_".length());
            String status = t.getStatus().name();
            boolean cached = "cached".equals(t.getOutputData().get("outcome"));
            stages.merge(stage, new StageCount(0, 0, 0, 0).add(status, cached), (a, b) -> new StageCount(
                    a.completed() + b.completed(), a.cached() + b.cached(), a.running() + b.running(),
                    a.failed() + b.failed()));
            if (status.startsWith("FAILED") || status.equals("TIMED_OUT")) {
                Object plr = t.getInputData().get("plr");
                failures.add(stage + " " + (plr == null ? "" : plr) + " "
                        + (t.getReasonForIncompletion() == null ? "" : t.getReasonForIncompletion()));
            }
        }
        return new StudyProgress(workflowId, wf.getStatus().name(),
                wf.getReasonForIncompletion() == null ? "" : wf.getReasonForIncompletion(), branches, stages,
                failures, OUTPUT.valueToTree(wf.getOutput()));
    }

    /**
     * Where a study stands as far as this process's own workers know, with only the study's status
     * from the server: what the demo shows every few seconds. Reading every branch with its tasks
     * instead ({@link #of}) was measured at a large part of the server's CPU during a study.
     */
    public static StudyProgress ofWorkers(ConductorApi api, String workflowId, StageCounters counters)
            throws IOException {
        String status = api.status(workflowId);
        Map<String, StageCount> stages = new TreeMap<>();
        for (String stage : counters.stages()) {
            stages.put(stage, new StageCount((int) counters.get(stage, "completed"), (int) counters.get(stage, "cached"),
                    (int) counters.running(stage), (int) counters.get(stage, "failed")));
        }
        return new StudyProgress(workflowId, status, "", -1, stages, List.of(), OUTPUT.createObjectNode());
    }

    /** One line for a terminal: status and per-stage done/total. */
    public String line() {
        StringBuilder b = new StringBuilder(status);
        if (branches >= 0) {
            b.append(" | branches ").append(branches);
        }
        stages.forEach((stage, c) -> {
            b.append(" | ").append(stage).append(' ').append(c.completed() + c.cached());
            if (c.cached() > 0) {
                b.append(" (").append(c.cached()).append(" cached)");
            }
            if (c.running() > 0) {
                b.append(" +").append(c.running()).append(" running");
            }
            if (c.failed() > 0) {
                b.append(" !").append(c.failed()).append(" failed");
            }
        });
        return b.toString();
    }
}
