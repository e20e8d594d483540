package io.lrsweep.tasks;

import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks this worker holds, each kept alive by a lease extension every third of its response
 * timeout until its result is delivered. A third rather than the client's own 0.8 (measured: the
 * conductor-client 6.0.0 extends at {@code round(0.8 × responseTimeout)}): two extensions may be
 * lost or late before Conductor takes the task for abandoned, which it must only be when the
 * worker is gone.
 */
final class Leases implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Leases.class);

    /** A task held and its extension schedule. */
    private record Held(Task task, ScheduledFuture<?> extension) {
    }

    private final TaskClient client;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lrsweep-leases");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    Leases(TaskClient client) {
        this.client = client;
    }

    /** Holds {@code task} from now until {@link #release}; its lease is extended while it is held. */
    void hold(Task task) {
        long periodMs = Math.max(1000, task.getResponseTimeoutSeconds() * 1000 / 3);
        ScheduledFuture<?> beat = task.getResponseTimeoutSeconds() > 0
                ? timer.scheduleWithFixedDelay(() -> extend(task), periodMs, periodMs, TimeUnit.MILLISECONDS)
                : null;
        Held previous = held.put(task.getTaskId(), new Held(task, beat));
        if (previous != null && previous.extension() != null) {
            previous.extension().cancel(false);
        }
    }

    /** The task's result was delivered (or given up on): no more extensions. */
    void release(String taskId) {
        Held h = held.remove(taskId);
        if (h != null && h.extension() != null) {
            h.extension().cancel(false);
        }
    }

    boolean holds(String taskId) {
        return held.containsKey(taskId);
    }

    /** Every task held right now. */
    List<Task> tasks() {
        return held.values().stream().map(Held::task).toList();
    }

    private void extend(Task task) {
        TaskResult lease = new TaskResult(task);
        lease.setExtendLease(true);
        try {
            client.updateTask(lease, task.getTaskDefName());
        } catch (RuntimeException e) {
            // The next extension tries again; two may fail before Conductor gives up on the task.
            LOG.warn("could not extend the lease of task {} ({}): {}", task.getTaskId(), task.getTaskDefName(),
                    e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        held.clear();
    }
}
