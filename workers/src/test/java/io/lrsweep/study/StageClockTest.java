package io.lrsweep.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StageClockTest {
    @Test
    void meansComeFromComputedExecutionsAndBusyTimeFromEveryStartedOne() {
        StageClock clock = new StageClock(100_000);
        clock.add("pretrain", 10_000, 40_000, true);   // 30 s
        clock.add("pretrain", 20_000, 30_000, true);   // 10 s
        clock.add("pretrain", 50_000, 50_010, false);  // cached: busy, not in the mean
        clock.add("finetune", 60_000, 0, false);       // running: 40 s so far
        clock.add("finetune", 0, 0, false);            // scheduled: not started
        StageTimes t = clock.times();
        assertThat(t.meanSeconds()).containsOnlyKeys("pretrain");
        assertThat(t.meanSeconds().get("pretrain")).isCloseTo(20.0, within(1e-9));
        assertThat(t.busySeconds()).isCloseTo(30 + 10 + 0.01 + 40, within(1e-9));
        assertThat(t.wallSeconds()).isCloseTo(90, within(1e-9));
    }

    @Test
    void nothingStartedMeansNoTimes() {
        assertThat(new StageClock(5).times()).isEqualTo(StageTimes.none());
    }
}
