package io.lrsweep.tasks;

import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.client.http.WorkflowClient;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.run.SearchResult;
import com.netflix.conductor.common.run.TaskSummary;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices the tasks of a worker that died: an lrsweep task IN_PROGRESS whose lease has not been
 * extended for longer than its response timeout makes this watch ask Conductor to decide its
 * workflow now, which times the task out and schedules its retry.
 *
 * <p>Why: measured on Conductor 3.32.3 with SQLite, the server itself re-examines a workflow whose
 * running task outlived its response timeout only when the queue's unacknowledged messages are
 * swept, every 60 s and only for messages 60 s overdue: an abandoned task moved 60–120 s after its
 * timeout. Decided at once, it moves within {@code every} of it. The server still judges the
 * timeout by its own record, so a live worker's task is never taken away by this watch.
 */
final class StaleLeaseWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StaleLeaseWatch.class);
    /** Beyond the response timeout, so a lease extension in flight is not mistaken for a missing one. */
    static final Duration SLACK = Duration.ofSeconds(3);
    private static final int PAGE = 500;
    private final TaskClient tasks;
    private final WorkflowClient workflows;
    private final Collection<String> taskTypes;
    private final Duration shortestTimeout;
    private final Predicate<String> ownTask;
    private final LongSupplier clock;
    /** When each task was last seen extended, as far as this watch knows: it need not be read again before then. */
    private final Map<String, Long> aliveUntil = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;

    /**
     * @param shortestTimeout the shortest response timeout of these task types
     * @param ownTask whether a task id is held by this worker (alive by definition; not read)
     * @param clock milliseconds since the epoch
     */
    StaleLeaseWatch(TaskClient tasks, WorkflowClient workflows, Collection<String> taskTypes, Duration shortestTimeout,
                    Predicate<String> ownTask, LongSupplier clock) {
        this.tasks = tasks;
        this.workflows = workflows;
        this.taskTypes = taskTypes;
        this.shortestTimeout = shortestTimeout;
        this.ownTask = ownTask;
        this.clock = clock;
    }

    /** Looks every {@code every} (± a fifth, so that many workers do not look at once). */
    StaleLeaseWatch start(Duration every) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lrsweep-stale-lease-watch");
            t.setDaemon(true);
            return t;
        });
        long ms = every.toMillis();
        timer.schedule(new Runnable() {
            @Override
            public void run() {
                try {
                    look();
                } catch (RuntimeException e) {
                    LOG.debug("stale-lease watch could not look: {}", e.getMessage());
                } finally {
                    long next = ms + ThreadLocalRandom.current().nextLong(-ms / 5, ms / 5 + 1);
                    if (!timer.isShutdown()) {
                        timer.schedule(this, next, TimeUnit.MILLISECONDS);
                    }
                }
            }
        }, ms, TimeUnit.MILLISECONDS);
        return this;
    }

    /** One look: returns how many workflows it asked Conductor to decide. */
    int look() {
        long now = clock.getAsLong();
        String query = "status IN (IN_PROGRESS) AND taskType IN (" + String.join(",", taskTypes) + ")";
        SearchResult<TaskSummary> found = tasks.search(0, PAGE, null, "*", query);
        int nudged = 0;
        aliveUntil.keySet().retainAll(found.getResults().stream().map(TaskSummary::getTaskId).toList());
        for (TaskSummary s : found.getResults()) {
            String id = s.getTaskId();
            if (ownTask.test(id) || aliveUntil.getOrDefault(id, 0L) > now || indexedRecently(s, now)) {
                continue;
            }
            Task t = tasks.getTaskDetails(id);
            if (t == null || t.getStatus() != Task.Status.IN_PROGRESS || t.getResponseTimeoutSeconds() <= 0) {
                aliveUntil.remove(id);
                continue;
            }
            long expires = t.getUpdateTime() + (t.getResponseTimeoutSeconds() * 1000) + SLACK.toMillis();
            if (expires > now) {
                aliveUntil.put(id, expires);
                continue;
            }
            LOG.warn("task {} ({}) of workflow {} has had no lease extension for {} s (response timeout {} s): its"
                            + " worker is gone; asking Conductor to time it out and retry it", id, t.getTaskDefName(),
                    t.getWorkflowInstanceId(), (now - t.getUpdateTime()) / 1000, t.getResponseTimeoutSeconds());
            workflows.runDecider(t.getWorkflowInstanceId());
            aliveUntil.remove(id);
            nudged++;
        }
        return nudged;
    }

    /**
     * The search index keeps the time of a task's last status change (lease extensions do not
     * touch it): a task indexed less than the shortest response timeout ago cannot be stale yet.
     */
    private boolean indexedRecently(TaskSummary s, long now) {
        try {
            return s.getUpdateTime() != null
                    && Instant.parse(s.getUpdateTime()).toEpochMilli() + shortestTimeout.toMillis() > now;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
