package io.lrsweep.science;

import java.util.Arrays;
/**
 * The scale-invariant MLP of the synthetic study: linear(32→32, no bias) – LayerNorm(no affine) –
 * ReLU – linear(32→32, no bias) – LayerNorm – ReLU – linear(32→1, fixed, norm 10), with a
 * binary-cross-entropy-with-logits loss. Both trainable matrices feed a normalisation, so the
 * loss does not change when they are scaled together; they are the SI parameters (rho = 1).
 *
 * <p>Forward and backward passes are written out by hand in doubles: for a 2,048-parameter model a
 * step costs microseconds, where a tensor library's per-operation overhead would dominate. The
 * gradient is checked against central finite differences in the tests. Not thread-safe: one
 * instance per training run (it owns its scratch buffers).
 */
public final class SiMlp {
    public static final int INPUT = TickData.DIM;
    public static final int HIDDEN = 32;
    public static final double RHO = 1.0;
    public static final double HEAD_NORM = 10.0;
    public static final double LAYER_NORM_EPS = 1e-7;
    public static final int SI_PARAMETERS = HIDDEN * INPUT + HIDDEN * HIDDEN;
    private static final int W2_OFFSET = HIDDEN * INPUT;

    private int capacity;
    private double[] a1;
    private double[] h1;
    private double[] sd1;
    private double[] a2;
    private double[] h2;
    private double[] sd2;
    private double[] dz;
    private double[] dh1;
    private final double[] rowBuffer = new double[HIDDEN];

    /**
     * A seeded initialisation as the authors make it (study-spec §2): one standard Gaussian vector
     * over all SI weights, normalised to norm rho (a uniform point on the sphere), and the head from
     * PyTorch's default linear initialisation, uniform(±1/√fan_in), rescaled to Frobenius norm 10.
     */
    public static Weights initialise(long seed) {
        SeededRandom rng = SeededRandom.derive(seed, "si-mlp-init");
        double[] si = new double[SI_PARAMETERS];
        for (int i = 0; i < SI_PARAMETERS; i++) {
            si[i] = rng.nextGaussian();
        }
        double bound = 1.0 / Math.sqrt(HIDDEN);
        double[] head = new double[HIDDEN];
        for (int i = 0; i < HIDDEN; i++) {
            head[i] = rng.uniform(-bound, bound);
        }
        SphereProjection.project(si, RHO);
        Vectors.scale(head, HEAD_NORM / Vectors.norm(head));
        return new Weights(si, head);
    }

    private void ensureCapacity(int rows) {
        if (rows <= capacity) {
            return;
        }
        capacity = rows;
        a1 = new double[rows * HIDDEN];
        h1 = new double[rows * HIDDEN];
        sd1 = new double[rows];
        a2 = new double[rows * HIDDEN];
        h2 = new double[rows * HIDDEN];
        sd2 = new double[rows];
        dz = new double[rows * HIDDEN];
        dh1 = new double[rows * HIDDEN];
    }

    /** Logits for {@code rows} samples given by index, written to {@code logits}. */
    public void logits(Weights w, Samples data, int[] index, int from, int rows, double[] logits) {
        checkShapes(w, data);
        ensureCapacity(rows);
        forward(w, data, index, from, rows, logits);
    }

    /**
     * Mean BCE loss of the batch; the loss gradient with respect to the SI parameters is written to
     * {@code gradient} (overwritten, never accumulated) and the number of correct predictions to
     * {@code correct[0]}.
     */
    public double lossAndGradient(Weights w, Samples data, int[] index, int from, int rows,
                                  double[] gradient, int[] correct) {
        checkShapes(w, data);
        if (gradient.length != SI_PARAMETERS) {
            throw new IllegalArgumentException("gradient must have " + SI_PARAMETERS + " entries");
        }
        ensureCapacity(rows);
        double[] s = new double[rows];
        forward(w, data, index, from, rows, s);
        Arrays.fill(gradient, 0.0);
        double[] si = w.si();
        double[] v = w.head();
        double loss = 0;
        int right = 0;
        double[] ds = new double[rows];
        for (int r = 0; r < rows; r++) {
            int y = data.y()[index[from + r]];
            loss += bceWithLogits(s[r], y);
            if ((s[r] > 0 ? 1 : 0) == y) {
                right++;
            }
            ds[r] = (sigmoid(s[r]) - y) / rows;
        }
        correct[0] = right;
        // Layer 2: dh2 = ds·v through ReLU and LayerNorm, then dW2 and dh1.
        for (int r = 0; r < rows; r++) {
            int o = r * HIDDEN;
            for (int k = 0; k < HIDDEN; k++) {
                rowBuffer[k] = a2[o + k] > 0 ? ds[r] * v[k] : 0.0;
            }
            layerNormBackward(rowBuffer, a2, o, sd2[r], dz);
        }
        for (int k = 0; k < HIDDEN; k++) {
            int g = W2_OFFSET + k * HIDDEN;
            for (int r = 0; r < rows; r++) {
                double d = dz[r * HIDDEN + k];
                if (d == 0.0) {
                    continue;
                }
                int h = r * HIDDEN;
                for (int j = 0; j < HIDDEN; j++) {
                    gradient[g + j] += d * h1[h + j];
                }
            }
        }
        for (int r = 0; r < rows; r++) {
            int o = r * HIDDEN;
            for (int j = 0; j < HIDDEN; j++) {
                double acc = 0;
                for (int k = 0; k < HIDDEN; k++) {
                    acc += dz[o + k] * si[W2_OFFSET + k * HIDDEN + j];
                }
                dh1[o + j] = acc;
            }
        }
        // Layer 1: through ReLU and LayerNorm, then dW1.
        for (int r = 0; r < rows; r++) {
            int o = r * HIDDEN;
            for (int k = 0; k < HIDDEN; k++) {
                rowBuffer[k] = a1[o + k] > 0 ? dh1[o + k] : 0.0;
            }
            layerNormBackward(rowBuffer, a1, o, sd1[r], dz);
        }
        double[] x = data.x();
        for (int k = 0; k < HIDDEN; k++) {
            int g = k * INPUT;
            for (int r = 0; r < rows; r++) {
                double d = dz[r * HIDDEN + k];
                if (d == 0.0) {
                    continue;
                }
                int xi = index[from + r] * INPUT;
                for (int i = 0; i < INPUT; i++) {
                    gradient[g + i] += d * x[xi + i];
                }
            }
        }
        return loss / rows;
    }

    /**
     * The gradient of the mean loss over all of {@code data} with respect to the SI parameters
     * {@code si}, the head fixed at {@code head}: what Hessian-vector products differentiate.
     */
    public double[] fullGradient(double[] si, double[] head, Samples data) {
        int n = data.count();
        int[] identity = new int[n];
        for (int i = 0; i < n; i++) {
            identity[i] = i;
        }
        double[] gradient = new double[SI_PARAMETERS];
        lossAndGradient(new Weights(si, head), data, identity, 0, n, gradient, new int[1]);
        return gradient;
    }

    /** The norm of every row of both SI matrices: one per hidden neuron of each layer. */
    public static double[] rowNorms(Weights w) {
        double[] si = w.si();
        double[] out = new double[2 * HIDDEN];
        for (int k = 0; k < HIDDEN; k++) {
            double a = 0;
            for (int i = 0; i < INPUT; i++) {
                a += si[k * INPUT + i] * si[k * INPUT + i];
            }
            double b = 0;
            for (int j = 0; j < HIDDEN; j++) {
                b += si[W2_OFFSET + k * HIDDEN + j] * si[W2_OFFSET + k * HIDDEN + j];
            }
            out[k] = Math.sqrt(a);
            out[HIDDEN + k] = Math.sqrt(b);
        }
        return out;
    }

    /** Mean loss and accuracy over a whole data set. */
    public Evaluation evaluate(Weights w, Samples data) {
        int n = data.count();
        int[] identity = new int[n];
        for (int i = 0; i < n; i++) {
            identity[i] = i;
        }
        double[] s = new double[n];
        logits(w, data, identity, 0, n, s);
        double loss = 0;
        int right = 0;
        for (int i = 0; i < n; i++) {
            int y = data.y()[i];
            loss += bceWithLogits(s[i], y);
            if ((s[i] > 0 ? 1 : 0) == y) {
                right++;
            }
        }
        return new Evaluation(loss / n, (double) right / n);
    }

    private void forward(Weights w, Samples data, int[] index, int from, int rows, double[] logits) {
        double[] si = w.si();
        double[] v = w.head();
        double[] x = data.x();
        for (int r = 0; r < rows; r++) {
            int xi = index[from + r] * INPUT;
            int o = r * HIDDEN;
            for (int k = 0; k < HIDDEN; k++) {
                double acc = 0;
                int wk = k * INPUT;
                for (int i = 0; i < INPUT; i++) {
                    acc += si[wk + i] * x[xi + i];
                }
                a1[o + k] = acc;
            }
            sd1[r] = layerNormForward(a1, o);
            for (int k = 0; k < HIDDEN; k++) {
                h1[o + k] = Math.max(a1[o + k], 0.0);
            }
            for (int k = 0; k < HIDDEN; k++) {
                double acc = 0;
                int wk = W2_OFFSET + k * HIDDEN;
                for (int j = 0; j < HIDDEN; j++) {
                    acc += si[wk + j] * h1[o + j];
                }
                a2[o + k] = acc;
            }
            sd2[r] = layerNormForward(a2, o);
            double logit = 0;
            for (int k = 0; k < HIDDEN; k++) {
                double h = Math.max(a2[o + k], 0.0);
                h2[o + k] = h;
                logit += h * v[k];
            }
            logits[r] = logit;
        }
    }

    /** Normalises one row in place to zero mean and unit (biased) variance; returns sqrt(var + eps). */
    private static double layerNormForward(double[] z, int offset) {
        double mean = 0;
        for (int k = 0; k < HIDDEN; k++) {
            mean += z[offset + k];
        }
        mean /= HIDDEN;
        double var = 0;
        for (int k = 0; k < HIDDEN; k++) {
            double c = z[offset + k] - mean;
            var += c * c;
        }
        var /= HIDDEN;
        double sd = Math.sqrt(var + LAYER_NORM_EPS);
        for (int k = 0; k < HIDDEN; k++) {
            z[offset + k] = (z[offset + k] - mean) / sd;
        }
        return sd;
    }

    /** dz = (da − mean(da) − a·mean(da·a)) / sd for one row of a no-affine LayerNorm. */
    private static void layerNormBackward(double[] da, double[] a, int offset, double sd, double[] dzOut) {
        double meanDa = 0;
        double meanDaA = 0;
        for (int k = 0; k < HIDDEN; k++) {
            meanDa += da[k];
            meanDaA += da[k] * a[offset + k];
        }
        meanDa /= HIDDEN;
        meanDaA /= HIDDEN;
        for (int k = 0; k < HIDDEN; k++) {
            dzOut[offset + k] = (da[k] - meanDa - a[offset + k] * meanDaA) / sd;
        }
    }

    static double bceWithLogits(double s, int y) {
        return Math.max(s, 0) - s * y + Math.log1p(Math.exp(-Math.abs(s)));
    }

    static double sigmoid(double s) {
        if (s >= 0) {
            return 1.0 / (1.0 + Math.exp(-s));
        }
        double e = Math.exp(s);
        return e / (1.0 + e);
    }

    private static void checkShapes(Weights w, Samples data) {
        if (w.si().length != SI_PARAMETERS || w.head().length != HIDDEN) {
            throw new IllegalArgumentException("weights are not an si-mlp: si=" + w.si().length
                    + " head=" + w.head().length);
        }
        if (data.dim() != INPUT) {
            throw new IllegalArgumentException("si-mlp takes " + INPUT + " inputs, data has " + data.dim());
        }
    }
}
