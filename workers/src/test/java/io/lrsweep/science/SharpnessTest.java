package io.lrsweep.science;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.BitSet;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Hessian trace, normalised trace and top eigenvalue against Hessians known exactly. */
class SharpnessTest {
    private static final int N = 60;

    /** A symmetric matrix Q·diag(λ)·Qᵀ with known eigenvalues λ = 1..N (top N, trace N(N+1)/2). */
    private static double[][] knownHessian() {
        SeededRandom rng = new SeededRandom(7);
        double[][] q = new double[N][N];
        // Gram-Schmidt on Gaussian columns: a random orthogonal basis.
        for (int j = 0; j < N; j++) {
            double[] col = new double[N];
            for (int i = 0; i < N; i++) {
                col[i] = rng.nextGaussian();
            }
            for (int k = 0; k < j; k++) {
                double d = 0;
                for (int i = 0; i < N; i++) {
                    d += col[i] * q[i][k];
                }
                for (int i = 0; i < N; i++) {
                    col[i] -= d * q[i][k];
                }
            }
            double norm = Vectors.norm(col);
            for (int i = 0; i < N; i++) {
                q[i][j] = col[i] / norm;
            }
        }
        double[][] h = new double[N][N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < N; j++) {
                for (int k = 0; k < N; k++) {
                    h[i][j] += q[i][k] * (k + 1) * q[j][k];
                }
            }
        }
        return h;
    }

    private static double[] times(double[][] a, double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Vectors.dot(a[i], v);
        }
        return out;
    }

    @Test
    void finiteDifferencesOfAQuadraticsGradientGiveItsHessianTimesV() {
        double[][] h = knownHessian();
        double[] w = new double[N];
        w[3] = 0.7;
        // f(w) = ½ wᵀHw has gradient Hw, so the central difference is exact up to rounding.
        UnaryOperator<double[]> hv = Sharpness.finiteDifference(x -> times(h, x), w, 1e-3);
        double[] v = new double[N];
        for (int i = 0; i < N; i++) {
            v[i] = Math.sin(i + 1.0);
        }
        double[] exact = times(h, v);
        double[] approx = hv.apply(v);
        for (int i = 0; i < N; i++) {
            assertThat(approx[i]).isCloseTo(exact[i], within(1e-8 * (1 + Math.abs(exact[i]))));
        }
    }

    @Test
    void theEstimatesFindTheKnownTraceAndTopEigenvalue() {
        double[][] h = knownHessian();
        UnaryOperator<double[]> hv = v -> times(h, v);
        Sharpness.Estimate e = Sharpness.estimate(hv, N, 11, 100, 100);
        double trace = N * (N + 1) / 2.0;
        // Hutchinson with Rademacher probes has variance 2·Σ_{i≠j} H_ij²: a few percent here.
        assertThat(e.trace()).isCloseTo(trace, within(0.1 * trace));
        assertThat(e.traceProbes()).isBetween(2, 100);
        assertThat(e.traceNormalized()).isCloseTo(trace / N, within(0.25 * trace / N));
        // Power iteration converges to the largest eigenvalue, N, within its relative tolerance.
        assertThat(e.topEigenvalue()).isCloseTo(N, within(0.05 * N));
    }

    @Test
    void hutchinsonOnADiagonalHessianIsExactWithOneProbe() {
        // Rademacher vᵀDv = Σ d_i exactly, so the running mean never changes: it stops at probe 2.
        double[] d = new double[N];
        for (int i = 0; i < N; i++) {
            d[i] = i * 0.5 - 3;
        }
        double[] r = Sharpness.hutchinsonTrace(v -> {
            double[] out = new double[N];
            for (int i = 0; i < N; i++) {
                out[i] = d[i] * v[i];
            }
            return out;
        }, N, new SeededRandom(1), 100);
        double trace = 0;
        for (double x : d) {
            trace += x;
        }
        assertThat(r[0]).isCloseTo(trace, within(1e-9));
        assertThat(r[1]).isEqualTo(2);
    }

    @Test
    void theSiMlpsHessianAtTwiceTheWeightsIsAQuarterOfIt() {
        // Scale invariance: L(c·w) = L(w) gives H(c·w) = H(w) / c² (study-spec §6); LayerNorm's
        // eps of 1e-7 breaks it by about 1e-5 relatively.
        Samples train = TickData.train(3, 128);
        SiMlp model = new SiMlp();
        Weights w = SiMlp.initialise(5);
        double[] at2 = w.si().clone();
        Vectors.scale(at2, 2);
        double[] v = new double[w.si().length];
        SeededRandom rng = new SeededRandom(2);
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian();
        }
        // Steps small enough that almost no ReLU changes side (larger ones, 1e-4, cross kinks and
        // give products of another sign) and large enough for double precision.
        double[] h1 = Sharpness.finiteDifference(si -> model.fullGradient(si, w.head(), train), w.si(), 1e-6).apply(v);
        double[] h2 = Sharpness.finiteDifference(si -> model.fullGradient(si, w.head(), train), at2, 2e-6).apply(v);
        double vh1 = Vectors.dot(v, h1);
        assertThat(Vectors.dot(v, h2)).isCloseTo(vh1 / 4, within(1e-4 * Math.abs(vh1)));
        // The product is symmetric: uᵀ(Hv) = vᵀ(Hu).
        double[] u = new double[v.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = Math.cos(i);
        }
        double[] hu = Sharpness.finiteDifference(si -> model.fullGradient(si, w.head(), train), w.si(), 1e-6).apply(u);
        assertThat(Vectors.dot(u, h1)).isCloseTo(Vectors.dot(v, hu), within(1e-5 * Math.abs(Vectors.dot(u, h1)) + 1e-9));
    }

    @Test
    void nextToAKinkTheStepShrinksUntilBothEndsLieOnThePointsPiece() {
        // f(w) = 1.5·w² + relu(w − 1) at w = 1 + 1e-8: f'' = 3, but a central difference with a
        // step of 1e-6 straddles the kink and adds the jump of f' (1) divided by twice the step.
        double c = 1;
        UnaryOperator<double[]> gradient = w -> new double[] {3 * w[0] + (w[0] > c ? 1 : 0)};
        double[] w = {c + 1e-8};
        double plain = Sharpness.finiteDifference(gradient, w, 1e-6).apply(new double[] {1})[0];
        double kinkAware = Sharpness.finiteDifference(gradient, x -> x[0] > c, w, 1e-6).apply(new double[] {1})[0];
        assertThat(plain).isCloseTo(3 + 1 / 2e-6, within(1.0));
        assertThat(kinkAware).isCloseTo(3, within(1e-6));
    }

    @Test
    void atAConvergedPointTheKinkAwareEstimatesDoNotDependOnTheFirstStep() {
        // Converged points are where a fixed step crosses ReLU kinks (1e-6 gave traces 60 times too
        // large there): starting a hundred times smaller must give the same figures.
        Samples train = TickData.train(0, 512);
        Weights start = SiMlp.initialise(0);
        TrainingState end = ProjectedSgd.train(TrainingState.start(start), train, 1,
                new ProjectedSgd.Schedule(40_000, new Elr(1e-4), 16, 40_000), TrainingListener.NONE);
        Weights w = end.weights();
        SiMlp model = new SiMlp();
        UnaryOperator<double[]> gradient = si -> model.fullGradient(si, w.head(), train);
        Function<double[], BitSet> pattern = si -> model.reluPattern(si, w.head(), train);
        double step = Sharpness.RELATIVE_STEP * w.siNorm();
        Sharpness.Estimate e = Sharpness.estimate(Sharpness.finiteDifference(gradient, pattern, w.si(), step),
                w.si().length, 3, 30, 30);
        Sharpness.Estimate finer = Sharpness.estimate(Sharpness.finiteDifference(gradient, pattern, w.si(),
                step / 100), w.si().length, 3, 30, 30);
        Sharpness.Estimate plain = Sharpness.estimate(Sharpness.finiteDifference(gradient, w.si(), step),
                w.si().length, 3, 30, 30);
        assertThat(model.evaluate(w, train).loss()).as("converged").isLessThan(1e-3);
        assertThat(e.trace()).isPositive().isCloseTo(finer.trace(), within(1e-3 * Math.abs(finer.trace())));
        assertThat(e.topEigenvalue()).isCloseTo(finer.topEigenvalue(), within(1e-3 * Math.abs(finer.topEigenvalue())));
        assertThat(plain.trace()).as("a fixed step at this point crosses kinks").isGreaterThan(2 * e.trace());
    }
}
