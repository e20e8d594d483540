package io.lrsweep.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ComputeSlotsTest {
    @Test
    void aLookRemembersItsTimeOnlyWhileEverySlotIsTaken() throws InterruptedException {
        ComputeSlots slots = new ComputeSlots(2);
        long created = slots.lastFull();
        assertThat(slots.lookFull(created + 5)).isFalse();
        assertThat(slots.lastFull()).as("a slot free: nothing remembered").isEqualTo(created);
        assertThat(slots.take(0)).isTrue();
        assertThat(slots.take(0)).isTrue();
        assertThat(slots.take(0)).as("no third slot").isFalse();
        assertThat(slots.inUse()).isEqualTo(2);
        assertThat(slots.lookFull(created + 7)).isTrue();
        assertThat(slots.lastFull()).isEqualTo(created + 7);
        slots.release();
        assertThat(slots.lookFull(created + 9)).isFalse();
        assertThat(slots.lastFull()).as("the last time they were all taken").isEqualTo(created + 7);
        assertThat(slots.inUse()).isEqualTo(1);
    }

    @Test
    void aNewHostsSlotsCountAsFreeForLongerThanTheSettlingTime() {
        ComputeSlots slots = new ComputeSlots(1);
        assertThat(System.nanoTime() - slots.lastFull()).isGreaterThanOrEqualTo(StageWorker.SETTLE_NANOS);
    }

    @Test
    void fewerThanOneSlotIsRefused() {
        assertThatThrownBy(() -> new ComputeSlots(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
    }
}
