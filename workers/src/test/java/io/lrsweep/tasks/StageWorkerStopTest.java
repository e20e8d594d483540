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
import io.lrsweep.science.CheckpointFormat;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.stages.StudyLayout;
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
 * A stopping worker hands its tasks back, executing real Conductor task objects in-process (no
 * server: task-log lines are refused and dropped). The stop is raised once the stage has taken
 * training steps, so the stage is certainly mid-run when it sees it.
 */
class StageWorkerStopTest {
    @TempDir
    Path root;
    private final WorkerMetrics metrics = new WorkerMetrics(new WorkerIdentity("w", "none", "none"));
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final ComputeSlots compute = new ComputeSlots(1);
    private ConductorClient client;
    private FileSystemArtifactStore store;
    private Map<String, Worker> workers;
    private ComputeContext context;

    @BeforeEach
    void workers() throws Exception {
        client = new ConductorClient("http://127.0.0.1:1/api");
        TaskClient tasks = new TaskClient(client);
        store = new FileSystemArtifactStore(root);
        var shared = new WorkerHost.Shared(tasks, compute, new FaultSwitch(), new StageCounters(),
                metrics, new Leases(tasks), stopping);
        context = ComputeContext.cpu(root.resolve("datasets"));
        TaskStages stages = new TaskStages(store, context, ReportLinks.NONE);
        workers = new HashMap<>();
        for (TaskType type : TaskType.values()) {
            workers.put(type.taskName(), new StageWorker(type, stages, shared));
        }
    }

    @AfterEach
    void close() {
        client.shutdown();
        metrics.close();
        context.close();
    }

    private TaskResult execute(String type, Map<String, Object> input) {
        Task t = new Task();
        t.setTaskId("task-" + System.nanoTime());
        t.setTaskDefName(type);
        t.setTaskType(type);
        t.setWorkflowInstanceId("0b7c9a52-7f0e-4c44-9d35-2f7f4c1f8e11");
        t.setStatus(Task.Status.IN_PROGRESS);
        t.setInputData(new HashMap<>(input));
        return workers.get(type).execute(t);
    }

    @Test
    void aTrainingStageStoppedMidRunIsHandedBackWithItsExactStateInTheResumeCheckpoint() throws Exception {
        execute("lrsweep_plan", TinyStudy.input("s1", Map.of("plrs", List.of(1e-3), "pretrainIterations", 50_000)));
        long before = context.stepsTaken();
        Thread stopMidRun = Thread.ofPlatform().daemon().start(() -> {
            while (context.stepsTaken() - before < 100 && !Thread.currentThread().isInterrupted()) {
                Thread.onSpinWait();
            }
            stopping.set(true);
        });
        TaskResult r = execute("lrsweep_pretrain", Map.of("studyId", "s1", "plr", 1e-3, "seed", 0));
        stopMidRun.interrupt();

        assertThat(r.getStatus()).isEqualTo(TaskResult.Status.IN_PROGRESS);
        assertThat(r.getCallbackAfterSeconds()).as("back in the queue at once").isZero();
        assertThat(r.getReasonForIncompletion()).startsWith(StageWorker.HANDED_BACK)
                .contains("stopped on request at iteration");
        long stoppedAt = context.stepsTaken() - before;
        byte[] resume = store.get(StudyLayout.pretrain("s1", 1e-3, 0) + "/resume.ckpt");
        assertThat(CheckpointFormat.decode(resume).state().iteration()).as("the state at the stop, not the last"
                + " periodic checkpoint").isEqualTo(stoppedAt);
        assertThat(r.getReasonForIncompletion()).contains("iteration " + stoppedAt + " of 50000");
        assertThat(store.exists(StudyLayout.pretrain("s1", 1e-3, 0) + "/MANIFEST.json")).isFalse();
        assertThat(compute.inUse()).as("the compute slot is free again").isZero();
        assertThat(Exposition.parse(metrics.scrape()).value("lrsweep_stage_runs_total", Map.of("study", "s1",
                "stage", "pretrain", "outcome", "stopped"))).isEqualTo(1.0);
    }

    @Test
    void aTaskPolledWhileTheWorkerStopsIsHandedBackWithoutStarting() throws Exception {
        execute("lrsweep_plan", TinyStudy.input("s2", Map.of("plrs", List.of(1e-3))));
        stopping.set(true);
        long before = context.stepsTaken();
        TaskResult r = execute("lrsweep_pretrain", Map.of("studyId", "s2", "plr", 1e-3, "seed", 0));
        assertThat(r.getStatus()).isEqualTo(TaskResult.Status.IN_PROGRESS);
        assertThat(r.getReasonForIncompletion()).contains("had not started");
        assertThat(context.stepsTaken()).isEqualTo(before);
        assertThat(workers.get("lrsweep_finetune").paused()).as("a stopping worker polls no more").isTrue();
    }
}
