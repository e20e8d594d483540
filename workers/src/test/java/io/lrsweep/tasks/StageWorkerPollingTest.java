package io.lrsweep.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Workers poll at full rate while their host runs stages and back off once it has been idle. */
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
}
