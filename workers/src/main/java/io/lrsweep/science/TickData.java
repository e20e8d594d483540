package io.lrsweep.science;

/**
 * The synthetic "ticks" data of the paper's feature-sparsity study: 16 two-dimensional features on
 * coordinate pairs (0,1)…(30,31), each either informative (a point drawn into its class region
 * with a margin) or uninformative (a point exactly on a class boundary).
 */
public final class TickData {
    public static final int FEATURES = 16;
    public static final int DIM = 2 * FEATURES;
    /** The paper's margin 0.1, used as m = 0.1·√2 (distance measured along the diagonal). */
    public static final double MARGIN = 0.1 * Math.sqrt(2.0);

    private TickData() {
    }

    /** Train set of one data seed: every feature informative for every sample. */
    public static Samples train(long dataSeed, int count) {
        return generate(SeededRandom.derive(dataSeed, "ticks-train"), count, -1);
    }

    /** Regular test set of one data seed: every feature informative. */
    public static Samples test(long dataSeed, int count) {
        return generate(SeededRandom.derive(dataSeed, "ticks-test"), count, -1);
    }

    /** Single-feature test set k: only feature k informative, all others on a class boundary. */
    public static Samples singleFeature(long dataSeed, int feature, int count) {
        if (feature < 0 || feature >= FEATURES) {
            throw new IllegalArgumentException("feature must be in [0, 16): " + feature);
        }
        return generate(SeededRandom.derive(dataSeed, "ticks-single", feature), count, feature);
    }

    private static Samples generate(SeededRandom rng, int count, int onlyInformative) {
        double[] x = new double[count * DIM];
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            int label = rng.nextBoolean() ? 1 : 0;
            y[i] = label;
            int base = i * DIM;
            // Base noise first, as the protocol states; every coordinate pair is then set by a feature.
            for (int d = 0; d < DIM; d++) {
                x[base + d] = rng.nextGaussian();
            }
            for (int f = 0; f < FEATURES; f++) {
                double[] point = (onlyInformative < 0 || f == onlyInformative)
                        ? informative(rng, label) : uninformative(rng);
                x[base + 2 * f] = point[0];
                x[base + 2 * f + 1] = point[1];
            }
        }
        return new Samples(count, DIM, x, y);
    }

    /** A point drawn uniformly from [-2,2]² by rejection into the class region of {@code label}. */
    static double[] informative(SeededRandom rng, int label) {
        while (true) {
            double x1 = rng.uniform(-2, 2);
            double x2 = rng.uniform(-2, 2);
            if (inClassRegion(x1, x2, label)) {
                return new double[] {x1, x2};
            }
        }
    }

    /** A point exactly on a class boundary: x2 = |x1| + s, s ∈ {0, −2}. */
    static double[] uninformative(SeededRandom rng) {
        double x1 = rng.uniform(-2, 2);
        double s = rng.nextBoolean() ? 0.0 : -2.0;
        return new double[] {x1, Math.abs(x1) + s};
    }

    /** Whether (x1, x2) lies in the class region of {@code label}, margin included. */
    public static boolean inClassRegion(double x1, double x2, int label) {
        double a = Math.abs(x1);
        if (label == 0) {
            return a - 2 + MARGIN <= x2 && x2 <= a - MARGIN;
        }
        return x2 >= a + MARGIN || x2 <= a - 2 - MARGIN;
    }

    /** Whether (x1, x2) lies exactly on one of the two class boundaries. */
    public static boolean onBoundary(double x1, double x2) {
        double a = Math.abs(x1);
        return x2 == a || x2 == a - 2.0;
    }
}
