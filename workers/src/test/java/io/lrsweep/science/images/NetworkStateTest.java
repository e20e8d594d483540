package io.lrsweep.science.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lrsweep.science.SeededRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class NetworkStateTest {
    private static NetworkState state(long seed, float[] head) {
        SeededRandom r = new SeededRandom(seed);
        float[] conv = new float[12];
        float[] mean = new float[3];
        for (int i = 0; i < conv.length; i++) {
            conv[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < mean.length; i++) {
            mean[i] = (float) r.nextGaussian();
        }
        return new NetworkState(List.of(
                new NetworkState.Tensor("conv.weight", TensorRole.SI, new long[] {3, 1, 2, 2}, conv),
                new NetworkState.Tensor("bn.running_mean", TensorRole.BN_MEAN, new long[] {3}, mean),
                new NetworkState.Tensor("head.weight", TensorRole.FIXED, new long[] {2, 1}, head)));
    }

    @Test
    void theAverageOfKCheckpointsIsTheirElementwiseMean() {
        float[] head = {1, 2};
        List<NetworkState> points = List.of(state(1, head), state(2, head), state(3, head));
        NetworkAverage average = new NetworkAverage();
        points.forEach(average::add);
        NetworkState mean = average.result();
        assertThat(average.count()).isEqualTo(3);
        for (int t = 0; t < 3; t++) {
            float[] got = mean.tensors().get(t).values();
            for (int i = 0; i < got.length; i++) {
                double expected = 0;
                for (NetworkState p : points) {
                    expected += p.tensors().get(t).values()[i];
                }
                assertThat((double) got[i]).isCloseTo(expected / 3, within(1e-6));
            }
        }
    }

    @Test
    void checkpointsOfDifferentRunsOrModelsAreNotAveraged() {
        NetworkAverage average = new NetworkAverage();
        average.add(state(1, new float[] {1, 2}));
        assertThatThrownBy(() -> average.add(state(2, new float[] {1, 3}))).hasMessageContaining("head.weight");
        NetworkState other = new NetworkState(List.of(
                new NetworkState.Tensor("conv.weight", TensorRole.SI, new long[] {12}, new float[12])));
        assertThatThrownBy(() -> average.add(other)).hasMessageContaining("same model");
    }

    @Test
    void interpolationEndsAtItsPointsAndPutsTheSiWeightsBackOnTheSphere() {
        float[] head = {1, 2};
        NetworkState a = state(5, head);
        NetworkState b = state(6, head);
        double rho = 12;
        for (double alpha : new double[] {0, 0.3, 0.5, 1}) {
            NetworkState m = NetworkState.interpolate(a, b, alpha, rho);
            double norm = 0;
            for (double v : m.geometryVector()) {
                norm += v * v;
            }
            assertThat(Math.sqrt(norm)).isCloseTo(rho, within(1e-5));
            // BN buffers and the head are mixed, not projected.
            assertThat((double) m.tensors().get(1).values()[0]).isCloseTo(
                    (1 - alpha) * a.tensors().get(1).values()[0] + alpha * b.tensors().get(1).values()[0], within(1e-6));
            assertThat(m.tensors().get(2).values()).containsExactly(head);
        }
        // At α = 0 the point is a itself, rescaled: same direction.
        double[] start = NetworkState.interpolate(a, b, 0, rho).geometryVector();
        double[] original = a.geometryVector();
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < start.length; i++) {
            dot += start[i] * original[i];
            na += start[i] * start[i];
            nb += original[i] * original[i];
        }
        assertThat(dot / Math.sqrt(na * nb)).isCloseTo(1, within(1e-7));
    }

    @Test
    void interpolationPutsBothEndPointsOnTheSphereFirst() {
        // An SWA point's SI norm is below rho: halving a's SI weights must not move the mix.
        float[] head = {1, 2};
        NetworkState a = state(7, head);
        NetworkState b = state(8, head);
        float[] halved = a.tensors().get(0).values().clone();
        for (int i = 0; i < halved.length; i++) {
            halved[i] /= 2;
        }
        NetworkState shrunk = new NetworkState(List.of(a.tensors().get(0).withValues(halved), a.tensors().get(1),
                a.tensors().get(2)));
        double[] expected = NetworkState.interpolate(a, b, 0.4, 12).geometryVector();
        double[] got = NetworkState.interpolate(shrunk, b, 0.4, 12).geometryVector();
        for (int i = 0; i < expected.length; i++) {
            assertThat(got[i]).isCloseTo(expected[i], within(1e-5));
        }
    }

    @Test
    void anglesOfThePracticalModelAreOverItsConvolutionKernelsOnly() {
        NetworkState p = new NetworkState(List.of(
                new NetworkState.Tensor("conv.weight", TensorRole.TRAINABLE, new long[] {1, 1, 1, 2}, new float[] {3, 4}),
                new NetworkState.Tensor("bn.weight", TensorRole.TRAINABLE, new long[] {1}, new float[] {7}),
                new NetworkState.Tensor("head.weight", TensorRole.TRAINABLE, new long[] {1, 2}, new float[] {5, 6})));
        assertThat(p.geometryVector()).containsExactly(3, 4);
    }

    @Test
    void aCheckpointRoundTripsBitExactlyAndATruncatedOneIsRefused() throws Exception {
        NetworkState s = state(9, new float[] {1, 2});
        ImageTrainingState t = new ImageTrainingState(7, s, state(10, new float[] {0, 0}),
                new double[] {0.5, 0.25}, new double[] {0.8, 0.9}, new double[] {Double.NaN, 0.7});
        byte[] bytes = ImageCheckpointFormat.encode("fingerprint", t);
        var back = ImageCheckpointFormat.decode(bytes);
        assertThat(back.owner()).isEqualTo("fingerprint");
        assertThat(back.state().sameAs(t)).isTrue();
        assertThatThrownBy(() -> ImageCheckpointFormat.decode(java.util.Arrays.copyOf(bytes, bytes.length - 5)))
                .hasMessageContaining("truncated");
    }
}
