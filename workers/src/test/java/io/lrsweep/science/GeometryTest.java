package io.lrsweep.science;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GeometryTest {

    @Test
    void swaOfKIdenticalCheckpointsEqualsTheCheckpoint() {
        Weights w = SiMlp.initialise(1);
        WeightAverage avg = new WeightAverage();
        for (int i = 0; i < 5; i++) {
            avg.add(w.copy());
        }
        Weights mean = avg.result();
        for (int i = 0; i < w.si().length; i++) {
            assertThat(mean.si()[i]).isCloseTo(w.si()[i], within(1e-15));
        }
        assertThat(mean.head()).containsExactly(w.head());
    }

    @Test
    void swaIsTheCoordinateWiseMean() {
        WeightAverage avg = new WeightAverage();
        avg.add(new Weights(new double[] {1, 2}, new double[] {5}));
        avg.add(new Weights(new double[] {3, -2}, new double[] {5}));
        avg.add(new Weights(new double[] {2, 6}, new double[] {5}));
        assertThat(avg.result().si()).containsExactly(new double[] {2, 2}, within(1e-15));
        assertThatThrownBy(() -> avg.add(new Weights(new double[] {1, 1}, new double[] {4})))
                .hasMessageContaining("head");
    }

    @Test
    void angleMatchesHandComputedVectors() {
        assertThat(AngularDistance.radians(new double[] {1, 0}, new double[] {1, 1})).isCloseTo(Math.PI / 4, within(1e-12));
        assertThat(AngularDistance.radians(new double[] {1, 0, 0}, new double[] {0, 2, 0})).isCloseTo(Math.PI / 2, within(1e-12));
        assertThat(AngularDistance.radians(new double[] {1, 2}, new double[] {-2, -4})).isCloseTo(Math.PI, within(1e-7));
        // cos = (1*2 + 2*1) / (sqrt5 * sqrt5) = 4/5
        assertThat(AngularDistance.radians(new double[] {1, 2}, new double[] {2, 1})).isCloseTo(Math.acos(0.8), within(1e-12));
    }

    @Test
    void angleAndBarrierOfAPointWithItselfAreZero() {
        Weights w = SiMlp.initialise(3);
        assertThat(AngularDistance.radians(w, w.copy())).isCloseTo(0.0, within(1e-7));
        Samples test = TickData.test(0, 500);
        SiMlp model = new SiMlp();
        double[] curve = ErrorBarrier.curve(w, w.copy(), ErrorBarrier.POINTS, 1.0, p -> model.evaluate(p, test).error());
        assertThat(curve).hasSize(21);
        // Zero up to rounding of the straight line between equal end errors.
        assertThat(ErrorBarrier.of(curve)).isCloseTo(0.0, within(1e-15));
    }

    @Test
    void interpolationProjectsBothEndPointsSoTheirNormsDoNotMatter() {
        // An SWA point's SI norm is below rho; the authors put both ends on the sphere before mixing.
        Weights a = SiMlp.initialise(4);
        Weights b = SiMlp.initialise(5);
        Weights shrunk = a.copy();
        Vectors.scale(shrunk.si(), 0.3);
        for (double alpha : new double[] {0.0, 0.25, 0.5, 0.9}) {
            double[] expected = ErrorBarrier.interpolate(a, b, alpha, 1.0).si();
            double[] got = ErrorBarrier.interpolate(shrunk, b, alpha, 1.0).si();
            for (int i = 0; i < expected.length; i++) {
                assertThat(got[i]).isCloseTo(expected[i], within(1e-12));
            }
        }
    }

    @Test
    void barrierMatchesAHandComputedCurve() {
        // Line from 0.1 to 0.2; at alpha = 0.5 the line is 0.15 and the curve 0.30: barrier 0.15.
        assertThat(ErrorBarrier.of(new double[] {0.1, 0.3, 0.2})).isCloseTo(0.15, within(1e-15));
        // alpha = 0.25 → line 0.1 + 0.25*0.4 = 0.2, curve 0.5 → 0.3 (the largest excess).
        assertThat(ErrorBarrier.of(new double[] {0.1, 0.5, 0.3, 0.35, 0.5})).isCloseTo(0.3, within(1e-15));
        // A curve below its chord has no barrier (clipped at 0).
        assertThat(ErrorBarrier.of(new double[] {0.4, 0.1, 0.2})).isEqualTo(0.0);
    }

    @Test
    void interpolatedPointsAreReprojectedOntoTheSphere() {
        Weights a = new Weights(new double[] {1, 0}, new double[] {1});
        Weights b = new Weights(new double[] {0, 1}, new double[] {1});
        Weights mid = ErrorBarrier.interpolate(a, b, 0.5, 1.0);
        assertThat(mid.si()).containsExactly(new double[] {Math.sqrt(0.5), Math.sqrt(0.5)}, within(1e-15));
    }

    @Test
    void concentrationIsOneForOneFeatureASixteenthForAllAndZeroForNone() {
        double[] one = new double[16];
        java.util.Arrays.fill(one, 0.5);
        one[3] = 0.9;
        assertThat(FeatureSparsity.concentration(one)).isCloseTo(1.0, within(1e-15));
        double[] all = new double[16];
        java.util.Arrays.fill(all, 0.8);
        assertThat(FeatureSparsity.concentration(all)).isCloseTo(1.0 / 16, within(1e-15));
        double[] none = new double[16];
        java.util.Arrays.fill(none, 0.49);
        assertThat(FeatureSparsity.concentration(none)).isEqualTo(0.0);
        assertThat(FeatureSparsity.sortedDescending(new double[] {0.6, 0.9, 0.5})).containsExactly(0.9, 0.6, 0.5);
    }

    @Test
    void regimesFollowTheConfiguredThresholds() {
        RegimeThresholds t = RegimeThresholds.PAPER;
        assertThat(t.classify(true, 0.9, 0.5)).isEqualTo(Regime.CONVERGENCE);
        assertThat(t.classify(false, 0.515, 0.0)).isEqualTo(Regime.DIVERGENCE);
        assertThat(t.classify(false, 0.8, 0.005)).isEqualTo(Regime.CHAOTIC_2A);
        assertThat(t.classify(false, 0.8, 0.02)).isEqualTo(Regime.CHAOTIC_2B);
        RegimeThresholds loose = new RegimeThresholds(0.01, 0.5, 0.02, 0.05);
        assertThat(loose.classify(false, 0.8, 0.02)).isEqualTo(Regime.CHAOTIC_2A);
    }

    @Test
    void checkpointsRoundTripBitExactlyAndTruncationIsDetected() throws Exception {
        TrainingState s = new TrainingState(1234, SiMlp.initialise(2), new double[] {0.5, Math.PI}, new double[] {0.1, 0.2},
                1.5e-300, 7, 9);
        byte[] bytes = CheckpointFormat.encode("fp", s);
        CheckpointFormat.Checkpoint c = CheckpointFormat.decode(bytes);
        assertThat(c.owner()).isEqualTo("fp");
        assertThat(c.state().sameAs(s)).isTrue();
        assertThatThrownBy(() -> CheckpointFormat.decode(java.util.Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("truncated");
    }
}
