package io.lrsweep.science;

import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Sharpness of a point from Hessian-vector products over its SI parameters (study-spec §6): the
 * Hessian trace by Hutchinson's estimator with Rademacher probes (PyHessian's convention: the mean
 * of vᵀHv, stopped when it changes by less than the tolerance, relatively), the paper's normalised
 * trace (the mean of uᵀHu over unit-norm Gaussian probes, i.e. trace / #parameters) and the largest
 * eigenvalue by power iteration. The products come from central finite differences of the gradient:
 * the SI MLP's gradient is written by hand, and DJL's double backward leaks (ImageHessian).
 */
public final class Sharpness {
    /** PyHessian's relative tolerance, and its cap on probes and iterations. */
    public static final double TOLERANCE = 1e-3;
    /** The paper's number of unit Gaussian probes for the normalised trace. */
    public static final int NORMALISED_PROBES = 5;
    /**
     * The first finite-difference step, relative to the point's norm; the kink-aware
     * {@code finiteDifference} shrinks it where a kink lies closer. Measured on
     * pre-trained SI MLP points of the default demo with fixed steps: at PLRs 0.01–1.0 every step
     * from 1e-5 down to 1e-9 agreed, but at converged points a fixed 1e-6 crossed ReLU kinks
     * (traces of 2.4e4–3.6e4 where 1e-8 and 1e-9 agree on 380–440), and at points fine-tuned from
     * them with the lowest FLR even 1e-9 did (2.9e5 where 1e-10 and 1e-11 give 28), while at 1e-11
     * rounding begins to show: no fixed step suits every point.
     */
    public static final double RELATIVE_STEP = 1e-6;
    /** How far the step may shrink (relative to the point's norm) before rounding would dominate. */
    public static final double SMALLEST_RELATIVE_STEP = 1e-11;

    private Sharpness() {
    }

    /** The three figures, and how many probes and iterations they took. */
    public record Estimate(double trace, int traceProbes, double traceNormalized, double topEigenvalue,
                           int powerIterations) {
    }

    /** Estimates all three figures with at most {@code maxProbes} Hutchinson probes and {@code maxIterations} power iterations. */
    public static Estimate estimate(UnaryOperator<double[]> hessianTimes, int n, long seed, int maxProbes,
                                    int maxIterations) {
        double[] trace = hutchinsonTrace(hessianTimes, n, SeededRandom.derive(seed, "hutchinson"), maxProbes);
        double normalized = normalizedTrace(hessianTimes, n, SeededRandom.derive(seed, "normalised-trace"),
                NORMALISED_PROBES);
        double[] top = topEigenvalue(hessianTimes, n, SeededRandom.derive(seed, "power-iteration"), maxIterations);
        return new Estimate(trace[0], (int) trace[1], normalized, top[0], (int) top[1]);
    }

    /**
     * Hutchinson's estimate of the trace: the running mean of vᵀHv over Rademacher vectors v, until
     * it changes by less than {@link #TOLERANCE} relative to its previous value or after
     * {@code maxProbes} probes. Returns the estimate and the number of probes.
     */
    public static double[] hutchinsonTrace(UnaryOperator<double[]> hessianTimes, int n, SeededRandom rng,
                                           int maxProbes) {
        double sum = 0;
        double mean = 0;
        for (int probe = 1; probe <= maxProbes; probe++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = rng.nextBoolean() ? 1 : -1;
            }
            sum += Vectors.dot(v, hessianTimes.apply(v));
            double previous = mean;
            mean = sum / probe;
            if (probe > 1 && Math.abs(mean - previous) / (Math.abs(previous) + 1e-6) < TOLERANCE) {
                return new double[] {mean, probe};
            }
        }
        return new double[] {mean, maxProbes};
    }

    /** The mean of uᵀHu over {@code probes} unit-norm Gaussian vectors u: an estimate of trace / n. */
    public static double normalizedTrace(UnaryOperator<double[]> hessianTimes, int n, SeededRandom rng, int probes) {
        double sum = 0;
        for (int p = 0; p < probes; p++) {
            double[] u = unitGaussian(n, rng);
            sum += Vectors.dot(u, hessianTimes.apply(u));
        }
        return sum / probes;
    }

    /**
     * The eigenvalue of largest magnitude by power iteration from a random unit vector, until the
     * Rayleigh quotient changes by less than {@link #TOLERANCE} relatively or after
     * {@code maxIterations}. Returns the eigenvalue and the iterations taken.
     */
    public static double[] topEigenvalue(UnaryOperator<double[]> hessianTimes, int n, SeededRandom rng,
                                         int maxIterations) {
        double[] v = unitGaussian(n, rng);
        double eigenvalue = 0;
        for (int it = 1; it <= maxIterations; it++) {
            double[] hv = hessianTimes.apply(v);
            double previous = eigenvalue;
            eigenvalue = Vectors.dot(v, hv);
            double norm = Vectors.norm(hv);
            if (norm == 0) {
                return new double[] {0, it};
            }
            for (int i = 0; i < n; i++) {
                v[i] = hv[i] / norm;
            }
            if (it > 1 && Math.abs(eigenvalue - previous) / (Math.abs(previous) + 1e-6) < TOLERANCE) {
                return new double[] {eigenvalue, it};
            }
        }
        return new double[] {eigenvalue, maxIterations};
    }

    /**
     * Hessian-vector products of the function whose gradient at a point is {@code gradient}, at
     * {@code w}, by central differences along the unit direction of v with step {@code eps}:
     * {@code Hv ≈ |v| · (g(w + eps·v̂) − g(w − eps·v̂)) / (2·eps)}; exact for a quadratic.
     */
    public static UnaryOperator<double[]> finiteDifference(UnaryOperator<double[]> gradient, double[] w,
                                                           double eps) {
        // One piece everywhere: the step never shrinks.
        return finiteDifference(gradient, x -> Boolean.TRUE, w, eps);
    }

    /**
     * Hessian-vector products of a piecewise smooth function (ReLU networks), exact to second order
     * on the piece that holds {@code w}: as {@link #finiteDifference(UnaryOperator, double[], double)},
     * but for each product the step is quartered until {@code pattern} (which pieces the inputs
     * fall on, e.g. which ReLUs are on) is the same at {@code w} and at both ends, down to
     * {@link #SMALLEST_RELATIVE_STEP} of |w|. Automatic differentiation computes the same product
     * (the second derivative of a ReLU is zero on either side); a difference across a kink would
     * add a jump divided by the step.
     */
    public static <P> UnaryOperator<double[]> finiteDifference(UnaryOperator<double[]> gradient,
                                                               Function<double[], P> pattern, double[] w,
                                                               double eps) {
        P here = pattern.apply(w);
        double smallest = SMALLEST_RELATIVE_STEP * Vectors.norm(w);
        return v -> {
            double norm = Vectors.norm(v);
            double[] out = new double[w.length];
            if (norm == 0) {
                return out;
            }
            double step = eps;
            double[] plus = w.clone();
            double[] minus = w.clone();
            while (true) {
                for (int i = 0; i < w.length; i++) {
                    plus[i] = w[i] + step * v[i] / norm;
                    minus[i] = w[i] - step * v[i] / norm;
                }
                boolean samePiece = here.equals(pattern.apply(plus)) && here.equals(pattern.apply(minus));
                if (samePiece || step / 4 < smallest) {
                    break;
                }
                step /= 4;
            }
            double[] gp = gradient.apply(plus);
            double[] gm = gradient.apply(minus);
            for (int i = 0; i < w.length; i++) {
                out[i] = norm * (gp[i] - gm[i]) / (2 * step);
            }
            return out;
        };
    }

    private static double[] unitGaussian(int n, SeededRandom rng) {
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            u[i] = rng.nextGaussian();
        }
        Vectors.scale(u, 1 / Vectors.norm(u));
        return u;
    }
}
