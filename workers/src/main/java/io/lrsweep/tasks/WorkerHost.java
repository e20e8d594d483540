package io.lrsweep.tasks;

import com.netflix.conductor.client.automator.TaskRunnerConfigurer;
import com.netflix.conductor.client.http.ConductorClient;
import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.client.worker.Worker;
import io.lrsweep.monitoring.WorkerIdentity;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.storage.ArtifactStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every lrsweep worker against a Conductor server. At most {@code compute.slots()}
 * compute-bound stages run at once in this process; each compute-bound task type polls with that
 * many threads, each light one with one.
 */
public final class WorkerHost implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerHost.class);

    /** What all workers of one host share. */
    record Shared(TaskClient taskClient, Semaphore compute, FaultSwitch faults, StageCounters counters,
                  WorkerMetrics metrics) {
    }

    private final ConductorClient client;
    private final TaskRunnerConfigurer runner;
    private final StageCounters counters = new StageCounters();
    private final Semaphore compute;
    private final int parallel;
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
        this.metrics = metrics;
        this.client = new ConductorClient(apiUrl);
        TaskClient taskClient = new TaskClient(client);
        this.parallel = context.slots();
        this.compute = new Semaphore(parallel, true);
        metrics.computeSlots(parallel, this::stagesInFlight);
        Shared shared = new Shared(taskClient, compute, faults, counters, metrics);
        TaskStages stages = new TaskStages(store, context);
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
        metrics.conductorClient().register(workers.stream().map(Worker::getTaskDefName).toList());
        TaskRunnerConfigurer.Builder builder = metrics.conductorClient().attachTo(
                new TaskRunnerConfigurer.Builder(taskClient, workers)
                        .withTaskThreadCount(threads)
                        .withShutdownGracePeriodSeconds(5));
        if (!domains.isEmpty()) {
            builder.withTaskToDomain(domains);
        }
        this.runner = builder.build();
        LOG.info("workers for {} against {} (store {}, {} compute slots{})", threads.keySet(), apiUrl,
                store.describe(), parallel, domains.isEmpty() ? "" : ", domain " + domain);
    }

    public WorkerHost start() {
        runner.init();
        return this;
    }

    public StageCounters counters() {
        return counters;
    }

    /** Compute-bound stages running in this process right now. */
    public int stagesInFlight() {
        return parallel - compute.availablePermits();
    }

    public WorkerMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() {
        runner.shutdown();
        client.shutdown();
        if (ownsMetrics) {
            metrics.close();
        }
    }
}
