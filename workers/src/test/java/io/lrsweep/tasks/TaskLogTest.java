package io.lrsweep.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.conductor.client.http.ConductorClient;
import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskExecLog;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Task log lines reach the server in batches, and every line reaches it, in order. */
class TaskLogTest {
    /** A task client that records the log calls instead of sending them (nothing listens on its URL). */
    private static final class RecordingClient extends TaskClient {
        final List<String> sent = new ArrayList<>();

        RecordingClient() {
            super(new ConductorClient("http://127.0.0.1:9/api"));
        }

        @Override
        public void logMessageForTask(String taskId, String logMessage) {
            sent.add(taskId + ": " + logMessage);
        }
    }

    private static TaskResult result() {
        Task task = new Task();
        task.setTaskId("t1");
        task.setStatus(Task.Status.IN_PROGRESS);
        return new TaskResult(task);
    }

    @Test
    void linesWithinTheIntervalTravelWithTheResultInOrderAsOneEntry() {
        RecordingClient client = new RecordingClient();
        TaskLog log = new TaskLog("lrsweep_pretrain", "t1", client, Duration.ofHours(1));
        for (int i = 1; i <= 12; i++) {
            log.accept("line " + i);
        }
        log.accept("pretrain completed");
        TaskResult result = result();
        log.finish(result);
        assertThat(client.sent).isEmpty();
        // One entry: the server keeps only the first 10 entries of an update.
        assertThat(result.getLogs()).extracting(TaskExecLog::getLog).singleElement().asString()
                .startsWith("line 1\nline 2\n").endsWith("line 12\npretrain completed");
    }

    @Test
    void aLineAfterTheIntervalSendsEverythingWaitingInOneCall() throws InterruptedException {
        RecordingClient client = new RecordingClient();
        TaskLog log = new TaskLog("lrsweep_pretrain", "t1", client, Duration.ofMillis(50));
        log.accept("one");
        Thread.sleep(60);
        log.accept("two");
        log.accept("three");
        TaskResult result = result();
        log.finish(result);
        assertThat(client.sent).containsExactly("t1: one\ntwo");
        assertThat(result.getLogs()).extracting(TaskExecLog::getLog).containsExactly("three");
    }
}
