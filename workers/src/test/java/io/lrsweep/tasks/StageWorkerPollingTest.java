package io.lrsweep.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Workers poll at full rate while their host runs stages and back off once it has been idle; light
 * task types back off while every compute slot is busy.
 */
class StageWorkerPollingTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void everyPollGoesOutWhileAStageRanRecently() {
        long now = 100 * SECOND;
        long lastActivity = now - 9 * SECOND;
        assertThat(StageWorker.waitsWhileIdle(now, lastActivity, now - StageWorker.POLL_MILLIS * 1_000_000L)).isFalse();
        assertThat(StageWorker.waitsWhileIdle(now, lastActivity, now)).isFalse();
    }

    @Test
    void anIdleHostPollsOncePerIdleInterval() {
        long now = 100 * SECOND;
        long lastActivity = now - 11 * SECOND;
        assertThat(StageWorker.waitsWhileIdle(now, lastActivity, now - SECOND / 5)).isTrue();
        assertThat(StageWorker.waitsWhileIdle(now, lastActivity, now - StageWorker.IDLE_POLL_NANOS - 1)).isFalse();
    }

    @Test
    void aLightTypePollsOncePerIdleIntervalWhileEverySlotIsBusyAndAtFullRateOtherwise() {
        long now = 100 * SECOND;
        assertThat(StageWorker.waitsWhileBusy(true, now, now - SECOND / 5)).isTrue();
        assertThat(StageWorker.waitsWhileBusy(true, now, now - StageWorker.IDLE_POLL_NANOS - 1)).isFalse();
        assertThat(StageWorker.waitsWhileBusy(false, now, now)).isFalse();
    }

    @Test
    void aReportWorkerSkipsItsNextPollOnlyWhileBothSlotsAreTaken() throws InterruptedException {
        Semaphore slots = new Semaphore(2);
        StageWorker report = worker(TaskType.REPORT, slots);
        StageWorker pretrain = worker(TaskType.PRETRAIN, slots);
        assertThat(report.paused()).as("slots free: polls").isFalse();
        assertThat(report.paused()).as("slots free, polled just now: polls again").isFalse();
        slots.acquire(2);
        assertThat(report.paused()).as("slots taken, polled just now: waits").isTrue();
        assertThat(pretrain.paused()).as("a compute type never polls while the slots are taken").isTrue();
        slots.release();
        assertThat(report.paused()).as("a slot free again: polls").isFalse();
        assertThat(pretrain.paused()).isFalse();
    }

    private static StageWorker worker(TaskType type, Semaphore slots) {
        // Polling decisions read only the slots, the counters and the stop flag.
        return new StageWorker(type, null, new WorkerHost.Shared(null, slots, null, new StageCounters(), null, null,
                new AtomicBoolean()));
    }
}
