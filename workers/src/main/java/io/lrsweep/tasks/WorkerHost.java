package io.lrsweep.tasks;

import com.netflix.conductor.client.automator.TaskRunnerConfigurer;
import com.netflix.conductor.client.http.ConductorClient;
import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.client.http.WorkflowClient;
import com.netflix.conductor.client.worker.Worker;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import io.lrsweep.monitoring.WorkerIdentity;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.report.ReportLinks;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.storage.ArtifactStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every lrsweep worker against a Conductor server. At most {@code compute.slots()}
 * compute-bound stages run at once in this process; each compute-bound task type polls with that
 * many threads, each light one with one. The tasks it
 * holds keep their leases ({@link Leases}), their results outlast a short server outage
 * ({@link PatientTaskClient}), tasks of dead workers elsewhere are noticed ({@link StaleLeaseWatch}),
 * and {@link #drain} stops it gracefully.
 */
public final class WorkerHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerHost.class);

    /** How long a finished stage's result is offered to a server that does not answer. */
    static final Duration RESULT_PATIENCE = Duration.ofMinutes(10);
    /** How often the stale-lease watch looks for tasks of dead workers. */
    static final Duration STALE_LEASE_LOOK_EVERY = Duration.ofSeconds(15);

    /** What all workers of one host share. */
    record Shared(TaskClient taskClient, ComputeSlots compute, FaultSwitch faults, StageCounters counters,
                  WorkerMetrics metrics, Leases leases, AtomicBoolean stopping) {
    }

    private final ConductorClient client;
    private final TaskClient taskClient;
    private final Leases leases;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final StaleLeaseWatch staleLeases;
    private final TaskRunnerConfigurer runner;
    private final StageCounters counters = new StageCounters();
    private final ComputeSlots compute;
    private final WorkerMetrics metrics;
    private boolean ownsMetrics;

    /** A host whose metrics are kept in memory (not served; see the other constructor). */
    public WorkerHost(String apiUrl, ArtifactStore store, ComputeContext context, String domain, FaultSwitch faults) {
        this(apiUrl, store, context, domain, faults, new WorkerMetrics(WorkerIdentity.of(domain)));
        this.ownsMetrics = true;
    }

    /**
     * @param apiUrl  Conductor's API base, e.g. {@code http://127.0.0.1:8080/api}
     * @param context what the stages compute with; its slots bound the compute-bound stages at once
     * @param domain  task domain to poll (null or empty for none)
     * @param metrics where the workers report stages, training and the Conductor client's polls
     */
    public WorkerHost(String apiUrl, ArtifactStore store, ComputeContext context, String domain, FaultSwitch faults,
                      WorkerMetrics metrics) {
        int parallel = context.slots();
        this.metrics = metrics;
        this.client = new ConductorClient(apiUrl);
        this.taskClient = new PatientTaskClient(client, RESULT_PATIENCE, this::delivered);
        this.leases = new Leases(taskClient);
        this.compute = new ComputeSlots(parallel);
        metrics.computeSlots(parallel, this::stagesInFlight);
        Shared shared = new Shared(taskClient, compute, faults, counters, metrics, leases, stopping);
        // Reports link to the UI and Grafana when configured, else to the workflow on the API polled here.
        TaskStages stages = new TaskStages(store, context, ReportLinks.configured(System.getenv(), apiUrl));
        List<Worker> workers = new ArrayList<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, String> domains = new HashMap<>();
        for (TaskType type : TaskType.values()) {
            workers.add(new StageWorker(type, stages, shared));
            threads.put(type.taskName(), type.computeBound() ? parallel : 1);
            if (domain != null && !domain.isBlank()) {
                domains.put(type.taskName(), domain);
            }
        }
        List<String> taskTypes = workers.stream().map(Worker::getTaskDefName).toList();
        this.staleLeases = new StaleLeaseWatch(taskClient, new WorkflowClient(client), taskTypes,
                TaskDefinitions.shortestResponseTimeout(), leases::holds, System::currentTimeMillis);
        metrics.conductorClient().register(taskTypes);
        TaskRunnerConfigurer.Builder builder = metrics.conductorClient().attachTo(
                new TaskRunnerConfigurer.Builder(taskClient, workers)
                        .withTaskThreadCount(threads)
                        // One call of PatientTaskClient.updateTask already retries through an outage.
                        .withUpdateRetryCount(1)
                        .withShutdownGracePeriodSeconds(5));
        if (!domains.isEmpty()) {
            builder.withTaskToDomain(domains);
        }
        this.runner = builder.build();
        LOG.info("workers for {} against {} (store {}, {} compute slots{})", threads.keySet(), apiUrl,
                store.describe(), parallel, domains.isEmpty() ? "" : ", domain " + domain);
    }

    /** A task's result reached Conductor (or was given up on): it is no longer held. */
    private void delivered(String taskId) {
        leases.release(taskId);
    }

    public WorkerHost start() {
        runner.init();
        staleLeases.start(STALE_LEASE_LOOK_EVERY);
        return this;
    }

    /**
     * Stops gracefully: no more polls, running training stages stop at their next step after
     * writing their resume checkpoint and hand their tasks back, tasks waiting for a compute slot
     * are handed back at once, other stages finish. Waits up to {@code grace} for every held task's
     * result to reach Conductor.
     *
     * @return the tasks still held when the grace period ended (empty when all went back)
     */
    public List<Task> drain(Duration grace) throws InterruptedException {
        stopping.set(true);
        long deadline = System.nanoTime() + grace.toNanos();
        long emptySince = -1;
        while (System.nanoTime() < deadline) {
            if (!leases.tasks().isEmpty()) {
                emptySince = -1;
            } else if (emptySince < 0) {
                emptySince = System.nanoTime();
            } else if (System.nanoTime() - emptySince > QUIET_BEFORE_EXIT.toNanos()) {
                return List.of();
            }
            Thread.sleep(50);
        }
        return leases.tasks();
    }

    /**
     * Stops gracefully ({@link #drain}) and hands back what is still held when {@code grace} ends,
     * saying {@code whyLate}.
     *
     * @return how many tasks were handed back unfinished
     */
    public int stop(Duration grace, String whyLate) throws InterruptedException {
        List<Task> left = drain(grace);
        if (!left.isEmpty()) {
            handBack(left, whyLate);
        }
        return left.size();
    }

    /**
     * How long nothing may be held before the drain ends: a poll that was on its way when the stop
     * came may still deliver a task, which is then handed back rather than left to its timeout.
     */
    private static final Duration QUIET_BEFORE_EXIT = Duration.ofSeconds(1);

    /** Whether {@link #drain} has begun. */
    public boolean stopping() {
        return stopping.get();
    }

    /**
     * Hands tasks back that could not finish or stop in time (one attempt each, no waiting): another
     * worker takes them at once instead of after their response timeout.
     */
    public void handBack(List<Task> tasks, String why) {
        for (Task t : tasks) {
            TaskResult r = new TaskResult(t);
            StageWorker.handBack(r, why);
            try {
                // A single attempt: this runs while the process is about to exit.
                new TaskClient(client).updateTask(r, t.getTaskDefName());
                LOG.info("handed task {} ({}) back: {}", t.getTaskId(), t.getTaskDefName(), why);
            } catch (RuntimeException e) {
                LOG.warn("could not hand task {} back: {}", t.getTaskId(), e.getMessage());
            }
        }
    }

    public StageCounters counters() {
        return counters;
    }

    /** Compute-bound stages running in this process right now. */
    public int stagesInFlight() {
        return compute.inUse();
    }

    public WorkerMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        staleLeases.close();
        stopping.set(true);
        runner.shutdown();
        leases.close();
        client.shutdown();
        if (ownsMetrics) {
            metrics.close();
        }
    }
}
