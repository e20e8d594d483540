package io.lrsweep.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressEstimateTest {
    private static StageTally tally(String stage, int total, int done, int running) {
        return StageTally.of(new PlannedStages.Planned(stage, total, true), done, 0, running, 0);
    }

    @Test
    void theShareDoneCountsEveryStageExecutionAlike() {
        var e = ProgressEstimate.of(List.of(tally("pretrain", 10, 10, 0), tally("finetune", 30, 5, 2)),
                StageTimes.none());
        assertThat(e.fractionDone()).isCloseTo(15.0 / 40, within(1e-12));
    }

    @Test
    void theEtaIsTheWorkLeftAtTheMeanStageTimesOverTheParallelismSeen() {
        // finetune: 23 waiting + 2 running (half done) = 24 × 10 s; average: 40 waiting × 1 s.
        var tallies = List.of(tally("pretrain", 10, 10, 0), tally("finetune", 30, 5, 2), tally("average", 40, 0, 0));
        // 400 s of stage work in 200 s of wall time: two at once.
        var times = new StageTimes(Map.of("pretrain", 30.0, "finetune", 10.0, "average", 1.0), 400, 200);
        var e = ProgressEstimate.of(tallies, times);
        assertThat(e.etaSeconds()).hasValueCloseTo((24 * 10.0 + 40 * 1.0) / 2, within(1e-9));
        assertThat(e.etaLowerBound()).isFalse();
    }

    @Test
    void aStageLeftWithNoTimedExecutionMakesTheEtaALowerBound() {
        var tallies = List.of(tally("finetune", 4, 2, 0), tally("analyze", 4, 0, 0));
        var e = ProgressEstimate.of(tallies, new StageTimes(Map.of("finetune", 6.0), 12, 12));
        assertThat(e.etaSeconds()).hasValueCloseTo(12.0, within(1e-9));
        assertThat(e.etaLowerBound()).isTrue();
    }

    @Test
    void thereIsNoEtaBeforeAnyStageLeftIsTimedAndZeroWhenNothingIsLeft() {
        assertThat(ProgressEstimate.of(List.of(tally("pretrain", 4, 0, 2)), StageTimes.none()).etaSeconds()).isEmpty();
        assertThat(ProgressEstimate.of(List.of(tally("pretrain", 4, 4, 0)), StageTimes.none()).etaSeconds())
                .hasValue(0);
    }

    @Test
    void parallelismIsBusyOverWallTimeAndNeverBelowOne() {
        assertThat(new StageTimes(Map.of(), 300, 100).parallelism()).isEqualTo(3);
        assertThat(new StageTimes(Map.of(), 50, 100).parallelism()).isEqualTo(1);
        assertThat(StageTimes.none().parallelism()).isEqualTo(1);
    }
}
