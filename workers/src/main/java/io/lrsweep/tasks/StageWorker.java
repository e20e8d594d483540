package io.lrsweep.tasks;

import com.netflix.conductor.client.http.TaskClient;
import com.netflix.conductor.client.worker.Worker;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskResult;
import io.lrsweep.monitoring.StageMetrics;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.setup.StageStopped;
import io.lrsweep.stages.StageOutcome;
import io.lrsweep.stages.StageProgress;
import io.lrsweep.storage.CorruptObjectException;
import io.lrsweep.storage.StoreFullException;
import io.lrsweep.storage.StoreKeys;
import io.lrsweep.study.InvalidStudyException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Conductor side of one stage: parse the task input, run the stage, report the outcome.
 * Invalid input ends the task with a terminal error (no retries); any other failure is
 * retryable. Progress goes to the task's log, never through IN_PROGRESS callbacks. While the
 * worker shuts down, a training stage stops at its next step and the task is handed back (see
 * {@link #handBack}); a task still waiting for a compute slot is handed back at once.
 */
final class StageWorker implements Worker {
    private static final Logger LOG = LoggerFactory.getLogger(StageWorker.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** Task log lines go to the server at most this often while a stage runs (the rest with its result). */
    private static final Duration LOG_EVERY = Duration.ofSeconds(20);
    /**
     * How often the client's poll loop asks {@link #paused}, which decides locally whether to poll:
     * a freed slot waited for the next round of the loop (200 ms until the tenth session, a median
     * of 128 ms from a task's end to the next task's start in the default demo).
     */
    static final int TICK_MILLIS = 20;
    /** A type that started or ended a task this recently is active (see {@link #waits}). */
    static final long ACTIVE_FOR_NANOS = Duration.ofSeconds(10).toNanos();
    /**
     * How often an active type polls, except within this long of its task's start or end, when it
     * polls at every round of the loop: the client polls only once the ended task's result is sent
     * and its thread free, a few rounds later.
     */
    static final long ACTIVE_POLL_NANOS = Duration.ofMillis(200).toNanos();
    /** How often any other type polls while a compute slot has been free for {@link #SETTLE_NANOS}. */
    static final long IDLE_POLL_NANOS = Duration.ofSeconds(1).toNanos();
    /** How often it polls otherwise: while the slots are, or just were, all taken. */
    static final long BUSY_POLL_NANOS = Duration.ofSeconds(10).toNanos();
    /** How long a freed slot is left to the active types before the others poll for it. */
    static final long SETTLE_NANOS = Duration.ofSeconds(1).toNanos();
    private final TaskType type;
    /** System.nanoTime, or a test's clock. */
    private final LongSupplier clock;
    /** When this worker last polled. */
    private volatile long lastPoll;
    /** When a task of this type last started or ended here; creation counts, so a new host starts active. */
    private volatile long lastTask;
    private final TaskStages stages;
    private final TaskClient taskClient;
    private final ComputeSlots compute;
    private final FaultSwitch faults;
    private final StageCounters counters;
    private final WorkerMetrics metrics;
    private final Leases leases;
    private final AtomicBoolean stopping;

    StageWorker(TaskType type, TaskStages stages, WorkerHost.Shared shared) {
        this(type, stages, shared, System::nanoTime);
    }

    StageWorker(TaskType type, TaskStages stages, WorkerHost.Shared shared, LongSupplier clock) {
        this.clock = clock;
        this.lastTask = clock.getAsLong();
        this.lastPoll = lastTask - BUSY_POLL_NANOS;
        this.type = type;
        this.stages = stages;
        this.taskClient = shared.taskClient();
        this.compute = shared.compute();
        this.faults = shared.faults();
        this.counters = shared.counters();
        this.metrics = shared.metrics();
        this.leases = shared.leases();
        this.stopping = shared.stopping();
    }

    /**
     * The study a task belongs to, for metric labels: its {@code studyId} input. A task without one
     * is labelled "unknown" (never a workflow id, which would make a label per branch), except the
     * plan of a study without a {@code studyId} input, which is named after its workflow.
     */
    String studyOf(Task task) {
        if (task.getInputData().get("studyId") instanceof String s && !s.isEmpty()) {
            return s;
        }
        return type == TaskType.PLAN ? task.getWorkflowInstanceId() : "unknown";
    }

    @Override
    public String getTaskDefName() {
        return type.taskName();
    }

    /** The client's own extension (every 0.8 × response timeout) is off: {@link Leases} extends every third. */
    @Override
    public boolean leaseExtendEnabled() {
        return false;
    }

    @Override
    public int getPollingInterval() {
        return TICK_MILLIS;
    }

    /**
     * Whether to skip this poll. Never a poll while the worker stops, nor one of a compute type while
     * every compute slot is busy (so a worker never hoards tasks that others could run). A type that
     * started or ended a task in the last {@link #ACTIVE_FOR_NANOS} polls at every round of the loop
     * for {@link #ACTIVE_POLL_NANOS} after one did, else every {@link #ACTIVE_POLL_NANOS}; any other, once
     * per {@link #IDLE_POLL_NANOS} after a slot has been free for {@link #SETTLE_NANOS}, else once per
     * {@link #BUSY_POLL_NANOS} (see {@link #waits}).
     */
    @Override
    public boolean paused() {
        long now = clock.getAsLong();
        boolean slotsFull = compute.lookFull(now);
        if (stopping.get() || type.computeBound() && slotsFull
                || waits(now, lastPoll, lastTask, compute.lastFull())) {
            return true;
        }
        lastPoll = now;
        return false;
    }

    /**
     * Whether a type that may poll waits instead (System.nanoTime values): each poll is a request and
     * a database write on the server, ~4 ms of its CPU, and most polls of a study used to come back
     * empty: of the default demo's 2,911 requests, 1,600 were polls of the four light types and 626
     * of the five stage types it has no task for, each time a slot came free between two
     * branches. Now a slot that comes free goes to the type that ran
     * last (a stream of branches, the runs trained to convergence), at the loop's next round after
     * its task ended, and the others ask when the slot stays free (a new phase of the study: within
     * about a second) or every few seconds (a light task of another study while this worker is busy).
     */
    static boolean waits(long now, long lastPoll, long lastTask, long slotsLastFull) {
        if (now - lastTask < ACTIVE_FOR_NANOS) {
            return now - lastTask >= ACTIVE_POLL_NANOS && now - lastPoll < ACTIVE_POLL_NANOS;
        }
        long every = now - slotsLastFull < SETTLE_NANOS ? BUSY_POLL_NANOS : IDLE_POLL_NANOS;
        return now - lastPoll < every;
    }

    /**
     * Gives an unfinished task back to Conductor at once: IN_PROGRESS with no callback delay puts it
     * straight back in its queue, where any worker polls it (measured on 3.32.3: polled again 0.03 s
     * later, same task, retry count unchanged), and its resume checkpoint lets that worker continue.
     * A retryable FAILED would wait for the retry delay and use up one of the task's retries per
     * preemption.
     */
    static void handBack(TaskResult result, String why) {
        result.setStatus(TaskResult.Status.IN_PROGRESS);
        result.setCallbackAfterSeconds(0);
        result.setReasonForIncompletion(HANDED_BACK + why);
        result.log(HANDED_BACK + why);
    }

    /** How the reason of a handed-back task begins (the stale-lease watch leaves such tasks alone). */
    static final String HANDED_BACK = "handed back by a stopping worker: ";

    @Override
    public TaskResult execute(Task task) {
        TaskResult result = new TaskResult(task);
        String taskType = type.taskName();
        TaskLog log = new TaskLog(taskType, task.getTaskId(), taskClient, LOG_EVERY);
        TaskProgress progress = new TaskProgress(log, metrics, stopping::get);
        String study = studyOf(task);
        boolean retried = task.getRetryCount() > 0;
        boolean acquired = false;
        // The stage running now, so that a whole branch's failure says which of its stages failed.
        TaskType[] current = {type};
        leases.hold(task);
        lastTask = clock.getAsLong();
        try (progress) {
            if (type == TaskType.WHOLE_BRANCH) {
                faults.check(taskType);
            }
            if (type.computeBound()) {
                acquired = acquireUnlessStopping();
                if (!acquired) {
                    handBack(result, "the stage had not started");
                    LOG.info("[{} {}] handed back before it started: the worker is stopping", taskType,
                            task.getTaskId());
                    TaskType first = type == TaskType.WHOLE_BRANCH ? TaskType.BRANCH_STAGES.get(0) : type;
                    metrics.stages().started(study, first.stage(), retried).ended(StageMetrics.Outcome.STOPPED);
                    counters.record(first.stage(), "stopped");
                    return result;
                }
            }
            StageOutcome outcome = stages.run(type, task, new TaskInput(task.getInputData()), progress,
                    (stage, work) -> {
                        current[0] = stage;
                        return measured(study, retried, stage, work);
                    });
            result.setStatus(TaskResult.Status.COMPLETED);
            result.setOutputData(outcome.outputs());
            log.accept(type.stage() + " " + outcome.outcome());
            LOG.info("[{} {}] {} {}", taskType, task.getTaskId(), type.stage(), outcome.outcome());
        } catch (StoreFullException e) {
            // Retries cannot free space: the study fails now, with the store and the space named.
            LOG.error("[{} {}] {}", taskType, task.getTaskId(), e.getMessage());
            result.setStatus(TaskResult.Status.FAILED_WITH_TERMINAL_ERROR);
            result.setReasonForIncompletion(within(current[0]) + e.getMessage());
        } catch (InvalidStudyException | StoreKeys.InvalidKeyException | FaultSwitch.InjectedFault e) {
            LOG.warn("[{} {}] invalid input: {}", taskType, task.getTaskId(), e.getMessage());
            result.setStatus(TaskResult.Status.FAILED_WITH_TERMINAL_ERROR);
            result.setReasonForIncompletion(within(current[0]) + e.getMessage());
        } catch (StageStopped e) {
            handBack(result, e.getMessage());
            LOG.info("[{} {}] handed back: {}", taskType, task.getTaskId(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.setStatus(TaskResult.Status.FAILED);
            result.setReasonForIncompletion("worker interrupted while waiting to run");
        } catch (Exception e) {
            String reason = within(current[0]) + (e instanceof CorruptObjectException ? "corrupt input: " : "")
                    + e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.error("[{} {}] failed: {}", taskType, task.getTaskId(), reason, e);
            result.setStatus(TaskResult.Status.FAILED);
            result.setReasonForIncompletion(reason);
        } finally {
            log.finish(result);
            lastTask = clock.getAsLong();
            if (acquired) {
                compute.release();
            }
        }
        return result;
    }

    /** How a failure's reason begins: the stage, where the task runs several. */
    private String within(TaskType stage) {
        return stage == type ? "" : stage.stage() + ": ";
    }

    /**
     * One stage of a task, counted per stage whether the task runs one or a whole branch: its
     * outcome in the counters and metrics, its time for the progress line's ETA, its thread's CPU.
     * The fault switch is checked per stage, so that a fault armed for a stage hits it in either.
     */
    private StageOutcome measured(String study, boolean retried, TaskType stage, Callable<StageOutcome> work)
            throws Exception {
        String name = stage.stage();
        StageMetrics.Run run = metrics.stages().started(study, name, retried);
        StageMetrics.Outcome ended = StageMetrics.Outcome.FAILED;
        counters.started(name);
        long cpu = THREADS.getCurrentThreadCpuTime();
        long began = counters.began(name);
        StageOutcome outcome = null;
        try {
            faults.check(stage.taskName());
            outcome = work.call();
            counters.record(name, outcome.outcome());
            ended = outcome.cached() ? StageMetrics.Outcome.CACHED : StageMetrics.Outcome.COMPLETED;
            return outcome;
        } catch (StageStopped e) {
            counters.record(name, "stopped");
            ended = StageMetrics.Outcome.STOPPED;
            throw e;
        } catch (Exception e) {
            counters.record(name, "failed");
            throw e;
        } finally {
            counters.addStageCpu(THREADS.getCurrentThreadCpuTime() - cpu);
            counters.finished(name, began, outcome != null && !outcome.cached());
            counters.ended(name);
            run.ended(ended);
        }
    }

    /** Waits for a compute slot; false when the worker starts stopping first. */
    private boolean acquireUnlessStopping() throws InterruptedException {
        while (!stopping.get()) {
            if (compute.take(200)) {
                return true;
            }
        }
        return false;
    }
}
