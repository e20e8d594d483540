package io.lrsweep.study;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    @Test
    void finishedStagesShowTheirCountStagesUnderWaySumToTheirTotalAndLaterOnesComeLast() {
        var tallies = List.of(
                StageTally.of(new PlannedStages.Planned("pretrain", 120, true), 120, 3, 0, 0),
                StageTally.of(new PlannedStages.Planned("average", 600, true), 148, 0, 2, 1),
                StageTally.of(new PlannedStages.Planned("converge", 30, false), 0, 0, 0, 0),
                StageTally.of(new PlannedStages.Planned("two_stage", 0, true), 0, 0, 0, 0),
                StageTally.of(new PlannedStages.Planned("report", 1, true), 0, 0, 0, 0));
        var estimate = new ProgressEstimate(268.0 / 751, OptionalDouble.of(190), false);
        assertThat(ProgressLine.of(tallies, estimate)).isEqualTo(
                "35.7% ETA ~3m 10s | pretrain 120 | average 148+2+449+1 failed=600 | next: converge ≤30, report 1");
    }

    @Test
    void theEtaReadsAsAPersonWouldSayIt() {
        assertThat(ProgressLine.eta(new ProgressEstimate(0, OptionalDouble.empty(), false))).isEqualTo("?");
        assertThat(ProgressLine.eta(new ProgressEstimate(0, OptionalDouble.of(42.4), true))).isEqualTo(">42s");
        assertThat(ProgressLine.duration(7500)).isEqualTo("2h 05m");
        assertThat(ProgressLine.duration(3599.6)).isEqualTo("1h 00m");
    }

    @Test
    void aLineMadeFromMeasuredFiguresHasOneSumPerStageUnderWay() {
        var tallies = List.of(StageTally.of(new PlannedStages.Planned("finetune", 10, true), 4, 0, 2, 0));
        var e = ProgressEstimate.of(tallies, new StageTimes(Map.of("finetune", 10.0), 20, 10));
        assertThat(ProgressLine.of(tallies, e)).isEqualTo("40.0% ETA ~25s | finetune 4+2+4=10");
    }
}
