package io.lrsweep.science;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SiMlpTest {
    private final Samples data = TickData.train(1, 64);
    private final int[] all = identity(64);

    static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    @Test
    void initialisationPutsSiWeightsOnTheUnitSphereAndTheHeadAtNormTen() {
        Weights w = SiMlp.initialise(3);
        assertThat(w.si()).hasSize(SiMlp.SI_PARAMETERS).hasSize(2048);
        assertThat(w.siNorm()).isCloseTo(1.0, within(1e-12));
        assertThat(Vectors.norm(w.head())).isCloseTo(10.0, within(1e-12));
    }

    /**
     * A uniform point on the sphere is a normalised Gaussian vector: its coordinates, times √n,
     * are standard normal with kurtosis 3. A uniform draw per weight projected to the sphere (the
     * earlier initialisation) has the kurtosis of a uniform distribution, 1.8.
     */
    @Test
    void initialisationIsUniformOnTheSphere() {
        double sum2 = 0;
        double sum4 = 0;
        int n = 0;
        for (int seed = 0; seed < 50; seed++) {
            for (double v : SiMlp.initialise(seed).si()) {
                double z = v * Math.sqrt(SiMlp.SI_PARAMETERS) / SiMlp.RHO;
                sum2 += z * z;
                sum4 += z * z * z * z;
                n++;
            }
        }
        double variance = sum2 / n;
        assertThat(variance).isCloseTo(1.0, within(1e-9));
        assertThat(sum4 / n / (variance * variance)).isCloseTo(3.0, within(0.1));
    }

    @Test
    void outputIsUnchangedWhenAllTrainableWeightsAreScaledByThree() {
        Weights w = SiMlp.initialise(5);
        Weights scaled = w.copy();
        Vectors.scale(scaled.si(), 3.0);
        double[] a = new double[64];
        double[] b = new double[64];
        new SiMlp().logits(w, data, all, 0, 64, a);
        new SiMlp().logits(scaled, data, all, 0, 64, b);
        // Relative to the output vector: LayerNorm's eps (1e-7) makes the net SI only up to ~1e-5,
        // exactly SI with eps = 0 (measured: 7e-6 here, 4e-16 with eps = 0).
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < 64; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += a[i] * a[i];
        }
        assertThat(Math.sqrt(diff / norm)).isLessThan(1e-5);
        assertThat(a).isNotEqualTo(new double[64]);
    }

    @Test
    void gradientMatchesCentralFiniteDifferences() {
        Weights w = SiMlp.initialise(9);
        SiMlp model = new SiMlp();
        double[] g = new double[SiMlp.SI_PARAMETERS];
        model.lossAndGradient(w, data, all, 0, 16, g, new int[1]);
        double h = 1e-6;
        // Probe coordinates in both layers.
        for (int i : new int[] {0, 17, 500, 1023, 1024, 1100, 1500, 2047}) {
            Weights plus = w.copy();
            Weights minus = w.copy();
            plus.si()[i] += h;
            minus.si()[i] -= h;
            double lp = model.lossAndGradient(plus, data, all, 0, 16, new double[SiMlp.SI_PARAMETERS], new int[1]);
            double lm = model.lossAndGradient(minus, data, all, 0, 16, new double[SiMlp.SI_PARAMETERS], new int[1]);
            double numeric = (lp - lm) / (2 * h);
            assertThat(g[i]).as("coordinate %d", i).isCloseTo(numeric, within(1e-6 + 1e-4 * Math.abs(numeric)));
        }
    }

    @Test
    void gradientIsOrthogonalToEachScaleInvariantLayer() {
        // Scale invariance of each LayerNorm-fed matrix implies <grad_W, W> = 0 per layer.
        Weights w = SiMlp.initialise(21);
        double[] g = new double[SiMlp.SI_PARAMETERS];
        new SiMlp().lossAndGradient(w, data, all, 0, 32, g, new int[1]);
        double layer1 = 0;
        double layer2 = 0;
        double norm = 0;
        for (int i = 0; i < 1024; i++) {
            layer1 += g[i] * w.si()[i];
            layer2 += g[1024 + i] * w.si()[1024 + i];
        }
        for (double v : g) {
            norm += v * v;
        }
        assertThat(Math.sqrt(norm)).isGreaterThan(1e-3);
        // Exact (1e-15) with eps = 0; LayerNorm's eps leaves a residue of ~1e-6 relative.
        assertThat(Math.abs(layer1)).isLessThan(1e-5 * Math.sqrt(norm));
        assertThat(Math.abs(layer2)).isLessThan(1e-5 * Math.sqrt(norm));
    }

    @Test
    void evaluationCountsCorrectSignsAndMatchesBatchLoss() {
        Weights w = SiMlp.initialise(2);
        SiMlp model = new SiMlp();
        Evaluation e = model.evaluate(w, data);
        double batchLoss = model.lossAndGradient(w, data, all, 0, 64, new double[SiMlp.SI_PARAMETERS], new int[1]);
        assertThat(e.loss()).isCloseTo(batchLoss, within(1e-12));
        assertThat(e.accuracy()).isBetween(0.0, 1.0);
        assertThat(SiMlp.bceWithLogits(0.0, 1)).isCloseTo(Math.log(2), within(1e-15));
        assertThat(SiMlp.bceWithLogits(-800, 1)).isCloseTo(800, within(1e-9));
    }

    @Test
    void reluWordSetsABitExactlyWhereThePreActivationIsAboveZero() {
        double[] edge = {0.0, -0.0, Double.NaN, Double.MIN_VALUE, -Double.MIN_VALUE, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 1e-300, -1.0, 2.5};
        double[] a1 = new double[SiMlp.HIDDEN];
        double[] a2 = new double[SiMlp.HIDDEN];
        long expected = 0;
        for (int k = 0; k < SiMlp.HIDDEN; k++) {
            a1[k] = edge[k % edge.length];
            a2[k] = edge[(k * 7 + 3) % edge.length];
            expected |= (a1[k] > 0 ? 1L : 0L) << 2 * k | (a2[k] > 0 ? 1L : 0L) << 2 * k + 1;
        }
        assertThat(SiMlp.reluWord(a1, a2, 0, 1)).isEqualTo(expected);
        assertThat(Long.bitCount(expected)).as("edge values on and off in both layers").isBetween(20, 40);
        // Feature-major: unit k of sample 3 of a block of 16 at 3 + 16·k.
        double[] b1 = new double[16 * SiMlp.HIDDEN];
        double[] b2 = new double[16 * SiMlp.HIDDEN];
        for (int k = 0; k < SiMlp.HIDDEN; k++) {
            b1[3 + 16 * k] = a1[k];
            b2[3 + 16 * k] = a2[k];
        }
        assertThat(SiMlp.reluWord(b1, b2, 3, 16)).isEqualTo(expected);
    }
}
