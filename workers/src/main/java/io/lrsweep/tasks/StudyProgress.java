package io.lrsweep.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.Workflow;
import io.lrsweep.study.PlannedStages;
import io.lrsweep.study.ProgressEstimate;
import io.lrsweep.study.ProgressLine;
import io.lrsweep.study.StageClock;
import io.lrsweep.study.StageTally;
import io.lrsweep.study.StageTimes;
import io.lrsweep.study.StudyResolver;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a study stands: its status and, per stage, how many tasks are done, cached, running,
 * queued, failed ({@code branches} is -1 where unknown), against the executions its plan makes,
 * with the stage times measured so far.
 */
public record StudyProgress(String workflowId, String status, String reason, int branches,
                            Map<String, StageCount> stages, List<String> failures, JsonNode output,
                            PlannedStages planned, StageTimes times) {

    /**
     * Task counts of one stage: {@code running} are in a worker's hands, {@code scheduled} in
     * Conductor's queue. Tasks that were retried count no more: their retry stands for them.
     */
    public record StageCount(int completed, int cached, int running, int scheduled, int failed) {
        static final StageCount NONE = new StageCount(0, 0, 0, 0, 0);

        StageCount add(String status, boolean cached) {
            return switch (status) {
                case "COMPLETED" -> cached ? new StageCount(completed, this.cached + 1, running, scheduled, failed)
                        : new StageCount(completed + 1, this.cached, running, scheduled, failed);
                case "IN_PROGRESS" -> new StageCount(completed, this.cached, running + 1, scheduled, failed);
                case "SCHEDULED" -> new StageCount(completed, this.cached, running, scheduled + 1, failed);
                case "FAILED", "FAILED_WITH_TERMINAL_ERROR", "TIMED_OUT", "CANCELED" ->
                        new StageCount(completed, this.cached, running, scheduled, failed + 1);
                default -> this;
            };
        }

        StageCount plus(StageCount o) {
            return new StageCount(completed + o.completed, cached + o.cached, running + o.running,
                    scheduled + o.scheduled, failed + o.failed);
        }
    }

    private static final ObjectMapper OUTPUT = new ObjectMapper();

    public boolean finished() {
        return !status.equals("RUNNING") && !status.equals("PAUSED");
    }

    /** The whole study from the server: every branch (and group of branches) with its tasks, one request each. */
    public static StudyProgress of(ConductorApi api, String workflowId) throws IOException {
        Workflow wf = api.workflow(workflowId);
        Map<String, StageCount> stages = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int branches = 0;
        List<Task> all = new ArrayList<>();
        Deque<Task> toRead = new ArrayDeque<>(wf.getTasks());
        while (!toRead.isEmpty()) {
            Task t = toRead.pop();
            all.add(t);
            // A retried branch or group was replaced by a new instance: its tasks are not the study's any more.
            if (t.getTaskType().equals("SUB_WORKFLOW") && t.getSubWorkflowId() != null && !t.isRetried()) {
                branches += LrsweepWorkflow.BRANCH.workflowName().equals(t.getTaskDefName()) ? 1 : 0;
                toRead.addAll(api.workflow(t.getSubWorkflowId()).getTasks());
            }
        }
        StageClock clock = new StageClock(System.currentTimeMillis());
        PlannedStages planned = planned(wf);
        for (Task t : all) {
            String type = t.getTaskDefName();
            // Stages only: a branch's SUB_WORKFLOW task is counted in branches.
            if (type == null || TaskType.ofTaskName(type).isEmpty()) {
                continue;
            }
            String stage = type.substring("lrsweep_".length());
            String status = t.getStatus().name();
            boolean cached = "cached".equals(t.getOutputData().get("outcome"));
            if (type.equals(TaskType.WHOLE_BRANCH.taskName())) {
                if (!t.isRetried()) {
                    branches++;
                    wholeBranch(t, status, stages, clock);
                }
            } else {
                if (!t.isRetried()) {
                    stages.merge(stage, StageCount.NONE.add(status, cached), StageCount::plus);
                }
                clock.add(stage, t.getStartTime(), t.getEndTime(), status.equals("COMPLETED") && !cached);
            }
            if (status.startsWith("FAILED") || status.equals("TIMED_OUT")) {
                Object plr = t.getInputData().get("plr");
                failures.add(stage + " " + (plr == null ? "" : plr) + " "
                        + (t.getReasonForIncompletion() == null ? "" : t.getReasonForIncompletion()));
            }
            if (stage.equals(TaskType.BASELINES.stage()) && status.equals("COMPLETED")) {
                planned = withBaselines(planned, t.getOutputData().get("dynamicTasks"));
            }
        }
        return new StudyProgress(workflowId, wf.getStatus().name(),
                wf.getReasonForIncompletion() == null ? "" : wf.getReasonForIncompletion(), branches, stages,
                failures, OUTPUT.valueToTree(wf.getOutput()), planned, clock.times());
    }

    /**
     * A branch run as one task, counted as its stages: done ones by the outcomes its output lists,
     * each with its time; while queued or in a worker's hands, every stage as waiting or running;
     * failed, under its own name (which stage failed is in the failure's reason).
     */
    private static void wholeBranch(Task t, String status, Map<String, StageCount> stages, StageClock clock) {
        if (status.equals("COMPLETED") && t.getOutputData().get("stages") instanceof List<?> done) {
            clock.add(TaskType.WHOLE_BRANCH.stage(), t.getStartTime(), t.getEndTime(), false);
            for (Object o : done) {
                if (o instanceof Map<?, ?> m && m.get("stage") instanceof String stage) {
                    boolean cached = "cached".equals(m.get("outcome"));
                    stages.merge(stage, StageCount.NONE.add(status, cached), StageCount::plus);
                    if (!cached && m.get("seconds") instanceof Number seconds) {
                        clock.computed(stage, seconds.doubleValue());
                    }
                }
            }
        } else if (status.equals("IN_PROGRESS") || status.equals("SCHEDULED")) {
            clock.add(TaskType.WHOLE_BRANCH.stage(), t.getStartTime(), t.getEndTime(), false);
            TaskType.BRANCH_STAGES.forEach(s -> stages.merge(s.stage(), StageCount.NONE.add(status, false),
                    StageCount::plus));
        } else {
            stages.merge(TaskType.WHOLE_BRANCH.stage(), StageCount.NONE.add(status, false), StageCount::plus);
        }
    }

    /** The stages the study's input plans; unknown when the input is not a valid study (its plan task then fails). */
    private static PlannedStages planned(Workflow wf) {
        try {
            return PlannedStages.of(StudyResolver.resolve(wf.getInput(), wf.getWorkflowId()));
        } catch (RuntimeException invalid) {
            return PlannedStages.unknown();
        }
    }

    /** The baseline runs the baseline plan forked: its task's {@code dynamicTasks}, by task name. */
    private static PlannedStages withBaselines(PlannedStages planned, Object dynamicTasks) {
        int converge = 0;
        int twoStage = 0;
        if (dynamicTasks instanceof List<?> tasks) {
            for (Object task : tasks) {
                Object name = task instanceof Map<?, ?> m ? m.get("name") : null;
                converge += TaskType.CONVERGE.taskName().equals(name) ? 1 : 0;
                twoStage += TaskType.TWO_STAGE.taskName().equals(name) ? 1 : 0;
            }
        }
        return planned.withBaselines(converge, twoStage);
    }

    /**
     * Where a study stands as far as this process's own workers know, with only the study's status
     * from the server: what the demo shows every few seconds. Reading every branch with its tasks
     * instead ({@link #of}) was measured at a large part of the server's CPU during a study.
     * Executions held by a worker but waiting for a compute slot count as waiting, not running.
     */
    public static StudyProgress ofWorkers(ConductorApi api, String workflowId, StageCounters counters,
                                          PlannedStages planned) throws IOException {
        String status = api.status(workflowId);
        Map<String, StageCount> stages = new TreeMap<>();
        for (String stage : counters.stages()) {
            stages.put(stage, new StageCount((int) counters.get(stage, "completed"), (int) counters.get(stage, "cached"),
                    (int) counters.computing(stage), 0, (int) counters.get(stage, "failed")));
        }
        return new StudyProgress(workflowId, status, "", -1, stages, List.of(), OUTPUT.createObjectNode(), planned,
                counters.times());
    }

    /** Per stage, in the workflow's order, done / running / failed / waiting against the planned total. */
    public List<StageTally> tallies() {
        Map<String, StageTally> out = new LinkedHashMap<>();
        for (PlannedStages.Planned p : planned.stages()) {
            StageCount c = stages.getOrDefault(p.stage(), StageCount.NONE);
            out.put(p.stage(), StageTally.of(p, c.completed() + c.cached(), c.cached(), c.running(), c.failed()));
        }
        stages.forEach((stage, c) -> out.computeIfAbsent(stage, s -> StageTally.of(
                new PlannedStages.Planned(s, 0, false), c.completed() + c.cached(), c.cached(), c.running(), c.failed())));
        return List.copyOf(out.values());
    }

    public ProgressEstimate estimate() {
        return ProgressEstimate.of(tallies(), times);
    }

    /** One line: status, share done, ETA and per stage done+running+waiting=total (see {@link ProgressLine}). */
    public String line() {
        return status + " " + ProgressLine.of(tallies(), estimate());
    }
}
