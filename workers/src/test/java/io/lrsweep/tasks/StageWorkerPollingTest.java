package io.lrsweep.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A type that ran a task recently polls at every round of the client's loop for 200 ms after one
 * of its tasks started or ended, else five times a second; any other polls once a second after a
 * slot has stayed free for a second, and once per busy interval while the slots are, or just were,
 * all taken; a compute type never polls while they are.
 */
class StageWorkerPollingTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long NOW = 100 * SECOND;

    @Test
    void anActiveTypePollsAtEveryRoundJustAfterItsTaskStartedOrEndedElseFiveTimesASecond() {
        long millis = 1_000_000L;
        assertThat(StageWorker.waits(NOW, NOW - millis, NOW - 50 * millis, NOW))
                .as("its task ended 50 ms ago, polled 1 ms ago: polls").isFalse();
        assertThat(StageWorker.waits(NOW, NOW - millis, NOW - StageWorker.ACTIVE_POLL_NANOS, NOW))
                .as("its task ended 200 ms ago, polled 1 ms ago: waits").isTrue();
        assertThat(StageWorker.waits(NOW, NOW - StageWorker.ACTIVE_POLL_NANOS - 1, NOW - SECOND, NOW))
                .as("its task ended a second ago, polled 200 ms ago: polls").isFalse();
        assertThat(StageWorker.TICK_MILLIS * 1_000_000L).as("the loop looks more often than an active type polls")
                .isLessThan(StageWorker.ACTIVE_POLL_NANOS);
    }

    @Test
    void anIdleTypePollsOncePerSecondOnceASlotHasStayedFreeForASecond() {
        long lastTask = NOW - StageWorker.ACTIVE_FOR_NANOS - SECOND;
        long settled = NOW - StageWorker.SETTLE_NANOS - 1;
        assertThat(StageWorker.waits(NOW, NOW - SECOND / 2, lastTask, settled)).isTrue();
        assertThat(StageWorker.waits(NOW, NOW - StageWorker.IDLE_POLL_NANOS - 1, lastTask, settled)).isFalse();
    }

    @Test
    void anIdleTypePollsOncePerBusyIntervalWhileTheSlotsAreOrJustWereTaken() {
        long lastTask = NOW - StageWorker.ACTIVE_FOR_NANOS - SECOND;
        long justFull = NOW - StageWorker.SETTLE_NANOS / 2;
        assertThat(StageWorker.waits(NOW, NOW - 2 * SECOND, lastTask, justFull)).isTrue();
        assertThat(StageWorker.waits(NOW, NOW - StageWorker.BUSY_POLL_NANOS - 1, lastTask, justFull)).isFalse();
    }

    @Test
    void workersOverOneSetOfSlotsLeaveAFreedSlotToTheActiveTypesForASecond() throws InterruptedException {
        ComputeSlots slots = new ComputeSlots(2);
        StageCounters counters = new StageCounters();
        AtomicLong clock = new AtomicLong(System.nanoTime());
        long start = clock.get();
        StageWorker report = worker(TaskType.REPORT, slots, counters, clock);
        StageWorker pretrain = worker(TaskType.PRETRAIN, slots, counters, clock);
        assertThat(report.paused()).as("a new host's types are active: poll").isFalse();
        assertThat(report.paused()).as("active, created just now: polls again").isFalse();
        clock.set(start + StageWorker.ACTIVE_POLL_NANOS);
        assertThat(report.paused()).as("active, created 200 ms ago, polled 200 ms ago: polls").isFalse();
        clock.set(start + StageWorker.ACTIVE_POLL_NANOS + 1);
        assertThat(report.paused()).as("active, created 200 ms ago, polled just now: waits").isTrue();

        clock.set(start + 11 * SECOND);
        assertThat(report.paused()).as("idle, slots free for long: polls").isFalse();
        assertThat(pretrain.paused()).isFalse();
        clock.set(start + 11 * SECOND + SECOND / 2);
        assertThat(report.paused()).as("idle, polled half a second ago: waits").isTrue();

        clock.set(start + 12 * SECOND);
        assertThat(slots.take(0) && slots.take(0)).isTrue();
        assertThat(pretrain.paused()).as("a compute type never polls while the slots are taken").isTrue();
        assertThat(slots.lastFull()).isEqualTo(start + 12 * SECOND);
        clock.set(start + 13 * SECOND);
        assertThat(report.paused()).as("slots taken, polled two seconds ago: waits for the busy interval").isTrue();

        clock.set(start + 13 * SECOND + SECOND / 2);
        slots.release();
        assertThat(pretrain.paused()).as("a slot freed half a second after the last look: left to active types")
                .isTrue();
        clock.set(start + 14 * SECOND + SECOND / 10);
        assertThat(pretrain.paused()).as("the slot still free a second on: polls").isFalse();
    }

    private static StageWorker worker(TaskType type, ComputeSlots slots, StageCounters counters, AtomicLong clock) {
        // Polling decisions read only the slots, the counters, the stop flag and the clock.
        return new StageWorker(type, null, new WorkerHost.Shared(null, slots, null, counters, null, null,
                new AtomicBoolean()), clock::get);
    }
}
