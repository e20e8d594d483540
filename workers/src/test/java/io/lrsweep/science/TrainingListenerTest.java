package io.lrsweep.science;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainingListenerTest {
    private static TrainingListener recording(String name, List<String> calls) {
        return new TrainingListener() {
            @Override
            public void onStep(long iteration, int samples, long nanos) {
                calls.add(name + " step " + iteration);
            }

            @Override
            public void onEpoch(long epoch, long iteration, double meanLoss, double accuracy) {
                calls.add(name + " epoch " + epoch);
            }

            @Override
            public void onCheckpoint(TrainingState snapshot) {
                calls.add(name + " checkpoint " + snapshot.iteration());
            }
        };
    }

    @Test
    void andThenHandsEveryCallToBothListenersInOrder() {
        List<String> calls = new ArrayList<>();
        TrainingListener both = recording("a", calls).andThen(recording("b", calls));
        both.onStep(3, 16, 100);
        both.onEpoch(0, 32, 0.5, 0.5);
        both.onCheckpoint(new TrainingState(32, null, new double[0], new double[0], 0, 0, 0));
        assertThat(calls).containsExactly("a step 3", "b step 3", "a epoch 0", "b epoch 0", "a checkpoint 32",
                "b checkpoint 32");
    }

    @Test
    void aStopAskedByEitherOfTwoChainedListenersStops() {
        TrainingListener quiet = TrainingListener.NONE;
        TrainingListener stopping = new TrainingListener() {
            @Override
            public boolean stopRequested() {
                return true;
            }
        };
        assertThat(quiet.andThen(quiet).stopRequested()).isFalse();
        assertThat(quiet.andThen(stopping).stopRequested()).isTrue();
        assertThat(stopping.andThen(quiet).stopRequested()).isTrue();
    }
}
