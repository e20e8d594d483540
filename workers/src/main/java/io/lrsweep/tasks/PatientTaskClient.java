package io.lrsweep.tasks;

import com.netflix.conductor.client.http.ConductorClient;
import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import io.orkes.conductor.client.http.ApiException;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task client whose result updates outlast a short Conductor outage: an update that cannot reach
 * the server (connection refused, timeout, 5xx) is retried with backoff until it lands or
 * {@code patience} runs out. Measured on conductor-client 6.0.0: its own task runner tries an
 * update 3 times, 2 s apart, then drops the result, so a server restart of 20–45 s lost every stage
 * that finished meanwhile. An update the server refuses (4xx: the task is gone or no longer this
 * worker's) is not retried. Lease extensions pass through once; the next one follows anyway.
 */
final class PatientTaskClient extends TaskClient {
    private static final Logger LOG = LoggerFactory.getLogger(PatientTaskClient.class);
    private static final long FIRST_WAIT_MS = 500;
    private static final long LONGEST_WAIT_MS = 5000;
    private final Duration patience;
    private final Consumer<String> delivered;

    /**
     * @param delivered told the task id once its result landed or was given up on (not for lease
     *     extensions)
     */
    PatientTaskClient(ConductorClient client, Duration patience, Consumer<String> delivered) {
        super(client);
        this.patience = patience;
        this.delivered = delivered;
    }

    @Override
    public void updateTask(TaskResult result, String taskType) {
        if (result.isExtendLease()) {
            super.updateTask(result, taskType);
            return;
        }
        long started = System.nanoTime();
        long deadline = started + patience.toNanos();
        long waitMs = FIRST_WAIT_MS;
        int failures = 0;
        try {
            while (true) {
                try {
                    super.updateTask(result, taskType);
                    if (failures > 0) {
                        LOG.info("result of task {} ({} {}) delivered after {} failed attempts, {} s", result.getTaskId(),
                                taskType, result.getStatus(), failures, (System.nanoTime() - started) / 1_000_000_000);
                    }
                    return;
                } catch (RuntimeException e) {
                    boolean retryable = retryable(e);
                    if (!retryable || System.nanoTime() + waitMs * 1_000_000 > deadline) {
                        LOG.error("could not deliver the result of task {} ({} {}) to Conductor: {}{}", result.getTaskId(),
                                taskType, result.getStatus(), e.getMessage(), retryable
                                        ? " (gave up after " + patience.toSeconds() + " s; the stage's manifest is"
                                        + " in the store, so the task's next attempt returns it as cached)" : "");
                        throw e;
                    }
                    if (failures++ == 0) {
                        LOG.warn("Conductor did not take the result of task {} ({} {}): {}; retrying for up to {} s",
                                result.getTaskId(), taskType, result.getStatus(), e.getMessage(), patience.toSeconds());
                    }
                }
                try {
                    Thread.sleep(waitMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while delivering the result of task "
                            + result.getTaskId(), e);
                }
                waitMs = Math.min(LONGEST_WAIT_MS, waitMs * 2);
            }
        } finally {
            delivered.accept(result.getTaskId());
        }
    }

    /** Whether the server may take the update later: it was not reached, or it failed on its side. */
    static boolean retryable(RuntimeException e) {
        if (!(e instanceof ApiException api)) {
            return true;
        }
        int status = api.getStatusCode();
        return status <= 0 || status >= 500 || status == 408 || status == 429;
    }
}
