package io.lrsweep.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.conductor.client.http.ConductorClient;
import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.client.worker.Worker;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import io.lrsweep.TinyStudy;
import io.lrsweep.monitoring.Exposition;
import io.lrsweep.monitoring.WorkerIdentity;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.report.ReportLinks;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.storage.FileSystemArtifactStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage workers' outcome metrics, executing real Conductor task objects in-process (no server:
 * the task-log lines they send are refused and dropped, as the worker does when the server is away).
 */
class StageWorkerMetricsTest {
    @TempDir
    Path root;
    private final WorkerMetrics metrics = new WorkerMetrics(new WorkerIdentity("w", "none", "none"));
    private final FaultSwitch faults = new FaultSwitch();
    private ConductorClient client;
    private Map<String, Worker> workers;
    private ComputeContext compute;

    @BeforeEach
    void workers() throws Exception {
        client = new ConductorClient("http://127.0.0.1:1/api");
        TaskClient tasks = new TaskClient(client);
        var shared = new WorkerHost.Shared(tasks, new ComputeSlots(1), faults, new StageCounters(), metrics,
                new Leases(tasks), new AtomicBoolean());
        compute = ComputeContext.cpu(root.resolve("datasets"));
        TaskStages stages = new TaskStages(new FileSystemArtifactStore(root), compute, ReportLinks.NONE);
        workers = new HashMap<>();
        for (TaskType type : TaskType.values()) {
            workers.put(type.taskName(), new StageWorker(type, stages, shared));
        }
    }

    @AfterEach
    void close() {
        client.shutdown();
        metrics.close();
        compute.close();
    }

    private TaskResult execute(String type, Map<String, Object> input, int retryCount) {
        Task t = new Task();
        t.setTaskId("task-" + System.nanoTime());
        t.setTaskDefName(type);
        t.setTaskType(type);
        t.setWorkflowInstanceId("0b7c9a52-7f0e-4c44-9d35-2f7f4c1f8e11");
        t.setRetryCount(retryCount);
        t.setStatus(Task.Status.IN_PROGRESS);
        t.setInputData(new HashMap<>(input));
        return workers.get(type).execute(t);
    }

    private double runs(String study, String stage, String outcome) {
        return Exposition.parse(metrics.scrape()).value("lrsweep_stage_runs_total", Map.of("study", study,
                "stage", stage, "outcome", outcome));
    }

    @Test
    void completedCachedAndFailedExecutionsAreCountedPerStudyAndStage() {
        assertThat(execute("lrsweep_plan", TinyStudy.input("w1", Map.of("plrs", List.of(1e-3))), 0).getStatus())
                .isEqualTo(TaskResult.Status.COMPLETED);
        Map<String, Object> pretrain = Map.of("studyId", "w1", "plr", 1e-3, "seed", 0);
        assertThat(execute("lrsweep_pretrain", pretrain, 0).getStatus()).isEqualTo(TaskResult.Status.COMPLETED);
        assertThat(execute("lrsweep_pretrain", pretrain, 1).getOutputData()).containsEntry("outcome", "cached");
        assertThat(execute("lrsweep_pretrain", Map.of("studyId", "w1", "plr", 0.5, "seed", 0), 0).getStatus())
                .isEqualTo(TaskResult.Status.FAILED_WITH_TERMINAL_ERROR);
        faults.failNext("lrsweep_analyze", 1);
        execute("lrsweep_analyze", pretrain, 0);

        assertThat(runs("w1", "plan", "completed")).isEqualTo(1.0);
        assertThat(runs("w1", "pretrain", "completed")).isEqualTo(1.0);
        assertThat(runs("w1", "pretrain", "cached")).isEqualTo(1.0);
        assertThat(runs("w1", "pretrain", "failed")).isEqualTo(1.0);
        assertThat(runs("w1", "analyze", "failed")).isEqualTo(1.0);
        Exposition scrape = Exposition.parse(metrics.scrape());
        assertThat(scrape.value("lrsweep_stage_retries_total", Map.of("study", "w1", "stage", "pretrain")))
                .isEqualTo(1.0);
        assertThat(scrape.value("lrsweep_stage_active_seconds_count", Map.of("study", "w1", "stage", "pretrain")))
                .isZero();
        assertThat(scrape.value("lrsweep_stage_duration_seconds_count", Map.of("study", "w1", "stage", "pretrain",
                "outcome", "cached"))).isEqualTo(1.0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aWholeBranchTaskRunsAndCountsEachOfItsStagesAndARetryFindsTheFinishedOnesCached() {
        execute("lrsweep_plan", TinyStudy.input("b1", Map.of("plrs", List.of(1e-3))), 0);
        Map<String, Object> branch = Map.of("studyId", "b1", "plr", 1e-3, "seed", 0);
        faults.failNext("lrsweep_analyze", 1);
        TaskResult failed = execute("lrsweep_whole_branch", branch, 0);
        assertThat(failed.getStatus()).isEqualTo(TaskResult.Status.FAILED_WITH_TERMINAL_ERROR);
        assertThat(failed.getReasonForIncompletion()).startsWith("analyze: injected fault in lrsweep_analyze");

        TaskResult retried = execute("lrsweep_whole_branch", branch, 1);
        assertThat(retried.getStatus()).isEqualTo(TaskResult.Status.COMPLETED);
        assertThat(retried.getOutputData()).containsEntry("stage", "whole_branch").containsEntry("outcome", "completed")
                .containsKey("analysis");
        var stages = (List<Map<String, Object>>) retried.getOutputData().get("stages");
        assertThat(stages).extracting(m -> m.get("stage")).containsExactly("pretrain", "finetune", "average", "analyze");
        assertThat(stages).extracting(m -> m.get("outcome")).containsExactly("cached", "cached", "cached", "completed");
        assertThat(execute("lrsweep_whole_branch", branch, 0).getOutputData()).containsEntry("outcome", "cached");

        for (String stage : List.of("pretrain", "finetune", "average")) {
            assertThat(runs("b1", stage, "completed")).as(stage).isEqualTo(1.0);
            assertThat(runs("b1", stage, "cached")).as(stage).isEqualTo(2.0);
        }
        assertThat(runs("b1", "analyze", "failed")).isEqualTo(1.0);
        assertThat(runs("b1", "analyze", "completed")).isEqualTo(1.0);
        assertThat(runs("b1", "analyze", "cached")).isEqualTo(1.0);
        assertThat(Exposition.parse(metrics.scrape()).find("lrsweep_stage_runs_total", Map.of("study", "b1",
                "stage", "whole_branch"))).as("counted as its stages only").isEmpty();
    }

    @Test
    void aPlanWithoutStudyIdIsLabelledWithItsStudyWorkflowAndOtherStagesWithoutOneAsUnknown() {
        execute("lrsweep_plan", Map.of("preset", "no-such-preset"), 0);
        execute("lrsweep_average", Map.of("plr", 1e-3, "seed", 0, "ks", List.of(2)), 0);
        assertThat(runs("0b7c9a52-7f0e-4c44-9d35-2f7f4c1f8e11", "plan", "failed")).isEqualTo(1.0);
        assertThat(runs("unknown", "average", "failed")).isEqualTo(1.0);
    }
}
