package io.lrsweep.monitoring;

import com.netflix.conductor.client.automator.TaskRunnerConfigurer;
import com.netflix.conductor.client.events.taskrunner.PollCompleted;
import com.netflix.conductor.client.events.taskrunner.PollFailure;
import com.netflix.conductor.client.events.taskrunner.TaskExecutionCompleted;
import com.netflix.conductor.client.events.taskrunner.TaskExecutionFailure;
import com.netflix.conductor.client.events.taskrunner.TaskExecutionQueueFull;
import com.netflix.conductor.client.events.taskrunner.TaskPaused;
import com.netflix.conductor.client.events.taskrunner.TaskRunnerEvent;
import com.netflix.conductor.client.events.taskrunner.TaskUpdateCompleted;
import com.netflix.conductor.client.events.taskrunner.TaskUpdateFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The Conductor client's task-runner events as counters per task type: the client has listener
 * hooks but no Micrometer of its own. A paused poll (every compute slot busy) counts as a poll, so
 * "nobody polls" means no worker is alive for the task type, not that all are busy.
 */
public final class ConductorClientMetrics {
    private final MeterRegistry registry;

    ConductorClientMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Creates every counter of these task types at zero, so that each series exists from the start
     * and the first failure already shows as an increase.
     */
    public void register(Iterable<String> taskTypes) {
        for (String t : taskTypes) {
            for (String outcome : new String[] {"completed", "failed", "paused"}) {
                counter(LrsweepMetric.CONDUCTOR_POLLS, t, outcome);
            }
            for (String outcome : new String[] {"completed", "failed"}) {
                counter(LrsweepMetric.CONDUCTOR_EXECUTIONS, t, outcome);
                counter(LrsweepMetric.CONDUCTOR_TASK_UPDATES, t, outcome);
            }
            queueFull(t);
        }
    }

    /** Subscribes to the events counted here on a task runner that is being built. */
    public TaskRunnerConfigurer.Builder attachTo(TaskRunnerConfigurer.Builder builder) {
        return builder
                .withListener(PollCompleted.class, e -> count(LrsweepMetric.CONDUCTOR_POLLS, e, "completed"))
                .withListener(PollFailure.class, e -> count(LrsweepMetric.CONDUCTOR_POLLS, e, "failed"))
                .withListener(TaskPaused.class, e -> count(LrsweepMetric.CONDUCTOR_POLLS, e, "paused"))
                .withListener(TaskExecutionCompleted.class,
                        e -> count(LrsweepMetric.CONDUCTOR_EXECUTIONS, e, "completed"))
                .withListener(TaskExecutionFailure.class, e -> count(LrsweepMetric.CONDUCTOR_EXECUTIONS, e, "failed"))
                .withListener(TaskUpdateCompleted.class,
                        e -> count(LrsweepMetric.CONDUCTOR_TASK_UPDATES, e, "completed"))
                .withListener(TaskUpdateFailure.class, e -> count(LrsweepMetric.CONDUCTOR_TASK_UPDATES, e, "failed"))
                .withListener(TaskExecutionQueueFull.class, e -> queueFull(taskType(e)).increment());
    }

    private void count(LrsweepMetric metric, TaskRunnerEvent e, String outcome) {
        counter(metric, taskType(e), outcome).increment();
    }

    private Counter counter(LrsweepMetric metric, String taskType, String outcome) {
        return Counter.builder(metric.meterName()).description(metric.help()).tag("task_type", taskType)
                .tag("outcome", outcome).register(registry);
    }

    private Counter queueFull(String taskType) {
        return Counter.builder(LrsweepMetric.CONDUCTOR_QUEUE_FULL.meterName())
                .description(LrsweepMetric.CONDUCTOR_QUEUE_FULL.help()).tag("task_type", taskType).register(registry);
    }

    /** Task types are the registered definitions (bounded); an event without one is "unknown". */
    private static String taskType(TaskRunnerEvent e) {
        return e.getTaskType() == null ? "unknown" : e.getTaskType();
    }
}
