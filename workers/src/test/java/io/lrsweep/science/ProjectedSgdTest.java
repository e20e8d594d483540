package io.lrsweep.science;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectedSgdTest {
    private final Samples train = TickData.train(0, 512);

    private static ProjectedSgd.Schedule schedule(long iterations, double elr) {
        return new ProjectedSgd.Schedule(iterations, new Elr(elr), 16, 100);
    }

    @Test
    void siNormIsRhoAfterEveryStepAndTheHeadNeverChanges() {
        Weights start = SiMlp.initialise(4);
        List<TrainingState> snapshots = new ArrayList<>();
        var sched = new ProjectedSgd.Schedule(300, new Elr(0.05), 16, 1);
        ProjectedSgd.train(TrainingState.start(start), train, 1, sched, new TrainingListener() {
            @Override
            public void onCheckpoint(TrainingState s) {
                snapshots.add(s);
            }
        });
        assertThat(snapshots).hasSize(300);
        for (TrainingState s : snapshots) {
            assertThat(Math.abs(s.weights().siNorm() - 1.0)).isLessThan(1e-5);
            assertThat(s.weights().head()).containsExactly(start.head());
        }
        assertThat(snapshots.get(299).weights().si()).isNotEqualTo(start.si());
    }

    @Test
    void twoRunsFromTheSameStateAndSeedAreBitIdentical() {
        TrainingState a = ProjectedSgd.train(TrainingState.start(SiMlp.initialise(8)), train, 3, schedule(500, 1e-2),
                TrainingListener.NONE);
        TrainingState b = ProjectedSgd.train(TrainingState.start(SiMlp.initialise(8)), train, 3, schedule(500, 1e-2),
                TrainingListener.NONE);
        assertThat(a.sameAs(b)).isTrue();
        TrainingState c = ProjectedSgd.train(TrainingState.start(SiMlp.initialise(8)), train, 4, schedule(500, 1e-2),
                TrainingListener.NONE);
        assertThat(c.weights().si()).as("another data order gives another result").isNotEqualTo(a.weights().si());
    }

    @Test
    void resumingFromAMidRunCheckpointEndsBitIdenticalToAStraightRun() throws Exception {
        TrainingState straight = ProjectedSgd.train(TrainingState.start(SiMlp.initialise(6)), train, 5,
                schedule(700, 3e-3), TrainingListener.NONE);
        List<byte[]> saved = new ArrayList<>();
        ProjectedSgd.train(TrainingState.start(SiMlp.initialise(6)), train, 5, schedule(300, 3e-3),
                new TrainingListener() {
                    @Override
                    public void onCheckpoint(TrainingState s) {
                        saved.add(CheckpointFormat.encode("owner", s));
                    }
                });
        // 300 is not an epoch boundary (32 iterations per epoch): the partial epoch must carry over.
        TrainingState restored = CheckpointFormat.decode(saved.get(saved.size() - 1)).state();
        assertThat(restored.iteration()).isEqualTo(300);
        TrainingState resumed = ProjectedSgd.train(restored, train, 5, schedule(700, 3e-3), TrainingListener.NONE);
        assertThat(resumed.sameAs(straight)).isTrue();
    }

    @Test
    void aRunStoppedOnRequestInsideAnEpochContinuesFromItsStateBitIdentically() throws Exception {
        TrainingState straight = ProjectedSgd.train(TrainingState.start(SiMlp.initialise(6)), train, 5,
                schedule(700, 3e-3), TrainingListener.NONE);
        CountingSteps steps = new CountingSteps();
        // 213 is neither a checkpoint (every 100) nor an epoch end (every 32 iterations).
        TrainingState stopped = ProjectedSgd.train(TrainingState.start(SiMlp.initialise(6)), train, 5,
                schedule(700, 3e-3), new StopAfter(213));
        assertThat(stopped.iteration()).as("stopped before the 214th step").isEqualTo(213);
        assertThat(stopped.partialSamples()).isPositive();
        TrainingState restored = CheckpointFormat.decode(CheckpointFormat.encode("owner", stopped)).state();
        TrainingState resumed = ProjectedSgd.train(restored, train, 5, schedule(700, 3e-3), steps);
        assertThat(resumed.sameAs(straight)).isTrue();
        assertThat(steps.count + 213).as("no step was taken twice").isEqualTo(700);
    }

    @Test
    void smallPlrConvergesToAboveNinetyFivePercentTrainAccuracy() {
        TrainingState s = ProjectedSgd.train(TrainingState.start(SiMlp.initialise(0)), train, 0, schedule(6000, 3.16e-3),
                TrainingListener.NONE);
        Evaluation e = new SiMlp().evaluate(s.weights(), train);
        assertThat(e.accuracy()).isGreaterThan(0.95);
        assertThat(s.minEpochLoss()).isLessThan(0.01);
    }

    @Test
    void hugePlrStaysNearChanceOnTheTestSet() {
        Samples test = TickData.test(0, 2000);
        TrainingState s = ProjectedSgd.train(TrainingState.start(SiMlp.initialise(0)), train, 0, schedule(6000, 0.316),
                TrainingListener.NONE);
        assertThat(new SiMlp().evaluate(s.weights(), test).accuracy()).isBetween(0.45, 0.55);
        assertThat(s.minEpochLoss()).isGreaterThan(0.5);
    }

    @Test
    void epochCurveHasOneEntryPerThirtyTwoIterations() {
        TrainingState s = ProjectedSgd.train(TrainingState.start(SiMlp.initialise(1)), train, 0, schedule(100, 1e-3),
                TrainingListener.NONE);
        assertThat(s.epochLoss()).hasSize(3);
        assertThat(s.partialSamples()).isEqualTo(4 * 16);
        assertThat(s.epochAccuracy()[0]).isBetween(0.0, 1.0);
    }

    @Test
    void projectionRescalesToRhoAndRefusesTheZeroVector() {
        double[] v = {3, 4};
        SphereProjection.project(v, 2);
        assertThat(v).containsExactly(new double[] {1.2, 1.6}, within(1e-15));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SphereProjection.project(new double[2], 1))
                .isInstanceOf(ArithmeticException.class);
        assertThat(new Elr(1e-3).learningRate(12)).isCloseTo(0.144, within(1e-15));
    }

    /** Counts the steps a run takes. */
    private static final class CountingSteps implements TrainingListener {
        long count;

        @Override
        public void onStep(long iteration, int samples, long nanos) {
            count++;
        }
    }
}
