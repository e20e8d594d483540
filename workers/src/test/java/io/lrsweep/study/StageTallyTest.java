package io.lrsweep.study;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StageTallyTest {
    @Test
    void doneRunningFailedAndWaitingAddUpToThePlannedTotal() {
        StageTally t = StageTally.of(new PlannedStages.Planned("average", 600, true), 148, 20, 2, 1);
        assertThat(t.waiting()).isEqualTo(449);
        assertThat(t.done() + t.running() + t.failed() + t.waiting()).isEqualTo(t.total()).isEqualTo(600);
    }

    @Test
    void countsBeyondABoundRaiseItAndMakeItExact() {
        StageTally t = StageTally.of(new PlannedStages.Planned("converge", 2, false), 2, 0, 1, 0);
        assertThat(t.total()).isEqualTo(3);
        assertThat(t.exact()).isTrue();
        assertThat(t.waiting()).isZero();
    }

    @Test
    void aBoundNotReachedStaysABound() {
        StageTally t = StageTally.of(new PlannedStages.Planned("converge", 9, false), 1, 0, 1, 0);
        assertThat(t.exact()).isFalse();
        assertThat(t.waiting()).isEqualTo(7);
    }
}
