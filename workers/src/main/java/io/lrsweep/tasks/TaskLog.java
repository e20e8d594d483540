package io.lrsweep.tasks;

import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log lines of one task, sent to the server in batches: lines that come within {@code every}
 * of the last call wait and go in the next one, and what is left when the task ends travels with
 * its result. A call per line was one HTTP request and one database write each (7,203 for the
 * default demo); most stages now need none, a long one one per {@code every}.
 */
final class TaskLog implements Consumer<String> {
    private static final Logger LOG = LoggerFactory.getLogger(TaskLog.class);
    private final String taskId;
    private final String prefix;
    private final TaskClient client;
    private final long everyNanos;
    private final List<String> waiting = new ArrayList<>();
    private long lastSent = System.nanoTime();

    TaskLog(String taskType, String taskId, TaskClient client, Duration every) {
        this.taskId = taskId;
        this.prefix = "[" + taskType + " " + taskId + "] ";
        this.client = client;
        this.everyNanos = every.toNanos();
    }

    @Override
    public void accept(String line) {
        LOG.debug("{}{}", prefix, line);
        String batch = null;
        synchronized (waiting) {
            waiting.add(line);
            long now = System.nanoTime();
            if (now - lastSent >= everyNanos) {
                batch = String.join("\n", waiting);
                waiting.clear();
                lastSent = now;
            }
        }
        if (batch != null) {
            try {
                client.logMessageForTask(taskId, batch);
            } catch (RuntimeException e) {
                LOG.debug("could not send task log lines: {}", e.getMessage());
            }
        }
    }

    /**
     * The lines not sent yet, added to the task's result as one entry: the server keeps at most
     * {@code conductor.app.taskExecLogSizeLimit} entries of an update (10 by default) and drops the
     * rest, which lost a stage's last lines when each line was an entry.
     */
    void finish(TaskResult result) {
        synchronized (waiting) {
            if (!waiting.isEmpty()) {
                result.log(String.join("\n", waiting));
                waiting.clear();
            }
        }
    }
}
