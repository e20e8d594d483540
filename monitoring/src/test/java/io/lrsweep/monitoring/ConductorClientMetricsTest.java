package io.lrsweep.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import com.netflix.conductor.client.automator.TaskRunnerConfigurer;
import com.netflix.conductor.client.events.taskrunner.PollCompleted;
import com.netflix.conductor.client.events.taskrunner.PollFailure;
import com.netflix.conductor.client.events.taskrunner.TaskExecutionCompleted;
import com.netflix.conductor.client.events.taskrunner.TaskExecutionFailure;
import com.netflix.conductor.client.events.taskrunner.TaskExecutionQueueFull;
import com.netflix.conductor.client.events.taskrunner.TaskPaused;
import com.netflix.conductor.client.events.taskrunner.TaskUpdateFailure;
import com.netflix.conductor.client.http.ConductorClient;
import com.netflix.conductor.client.http.TaskClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConductorClientMetricsTest {
    private final WorkerMetrics metrics = new WorkerMetrics(new WorkerIdentity("w", "none", "none"));

    @AfterEach
    void close() {
        metrics.close();
    }

    private double count(String name, Map<String, String> labels) {
        return Exposition.parse(metrics.scrape()).value(name, labels);
    }

    @Test
    void eventsPublishedByATaskRunnerBecomeCountersPerTaskType() throws Exception {
        ConductorClient client = new ConductorClient("http://127.0.0.1:1/api");
        try {
            TaskRunnerConfigurer.Builder builder = metrics.conductorClient()
                    .attachTo(new TaskRunnerConfigurer.Builder(new TaskClient(client), List.of()));
            var dispatcher = builder.getEventDispatcher();
            dispatcher.publish(new PollCompleted("lrsweep_pretrain", 12));
            dispatcher.publish(new PollCompleted("lrsweep_pretrain", 9));
            dispatcher.publish(new TaskPaused("lrsweep_pretrain"));
            dispatcher.publish(new PollFailure("lrsweep_finetune", 3, new RuntimeException("connection refused")));
            dispatcher.publish(new TaskExecutionCompleted("lrsweep_pretrain", "t1", "w", 1000));
            dispatcher.publish(new TaskExecutionFailure("lrsweep_pretrain", "t2", "w", new RuntimeException(), 10));
            dispatcher.publish(new TaskUpdateFailure("lrsweep_pretrain", "t1", "w", "wf", new RuntimeException(), 5));
            dispatcher.publish(new TaskExecutionQueueFull("lrsweep_average"));
            // The dispatcher delivers asynchronously.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (Exposition.parse(metrics.scrape()).find("lrsweep_conductor_queue_full_total", Map.of()).isEmpty()
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200);
        } finally {
            client.shutdown();
        }
        String polls = "lrsweep_conductor_polls_total";
        assertThat(count(polls, Map.of("task_type", "lrsweep_pretrain", "outcome", "completed"))).isEqualTo(2.0);
        assertThat(count(polls, Map.of("task_type", "lrsweep_pretrain", "outcome", "paused"))).isEqualTo(1.0);
        assertThat(count(polls, Map.of("task_type", "lrsweep_finetune", "outcome", "failed"))).isEqualTo(1.0);
        assertThat(count("lrsweep_conductor_executions_total", Map.of("task_type", "lrsweep_pretrain", "outcome",
                "completed"))).isEqualTo(1.0);
        assertThat(count("lrsweep_conductor_executions_total", Map.of("task_type", "lrsweep_pretrain", "outcome",
                "failed"))).isEqualTo(1.0);
        assertThat(count("lrsweep_conductor_task_updates_total", Map.of("task_type", "lrsweep_pretrain", "outcome",
                "failed"))).isEqualTo(1.0);
        assertThat(count("lrsweep_conductor_queue_full_total", Map.of("task_type", "lrsweep_average")))
                .isEqualTo(1.0);
    }

    @Test
    void registeredTaskTypesExportEveryCounterAtZeroBeforeAnyEvent() {
        metrics.conductorClient().register(List.of("lrsweep_plan", "lrsweep_report"));
        Exposition scrape = Exposition.parse(metrics.scrape());
        for (String type : List.of("lrsweep_plan", "lrsweep_report")) {
            for (String outcome : List.of("completed", "failed", "paused")) {
                assertThat(scrape.value("lrsweep_conductor_polls_total", Map.of("task_type", type, "outcome",
                        outcome))).isZero();
            }
            assertThat(scrape.value("lrsweep_conductor_queue_full_total", Map.of("task_type", type))).isZero();
        }
    }
}
