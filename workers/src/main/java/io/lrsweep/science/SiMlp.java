package io.lrsweep.science;

import java.util.Arrays;
import java.util.BitSet;
import java.util.function.UnaryOperator;

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

    /** How the 32-wide sums of every pass are computed: vector registers where the JVM offers them. */
    private static final RowKernel BEST = RowKernel.best();
    /** Row offsets 0, 32, 64, …: consecutive rows of a 32-wide matrix. */
    private static final int[] CONSECUTIVE = consecutiveRows(INPUT);
    /** Rows whose LayerNorm sums the kernel runs side by side. */
    private static final int BLOCK = 8;

    /** Scratch space for {@code rows} samples; grown on demand, never per step. */
    private int capacity;
    private double[] a1;
    private double[] h1;
    private double[] a2;
    private double[] dz;
    private double[] dh1;
    private double[] sd1;
    private double[] sd2;
    private double[] ds;
    private double[] scores;
    private double[] batch;
    private int[] hiddenRows;
    /** The two SI matrices transposed (input-major), so the forward pass runs along contiguous outputs. */
    private final double[] w1t = new double[HIDDEN * INPUT];
    private final double[] w2t = new double[HIDDEN * HIDDEN];
    private final RowKernel kernel;
    /** Whole blocks of 16 samples in vector lanes (steps, evaluations and full gradients); null without. */
    private final ColumnBatch columns;

    public SiMlp() {
        this(BEST);
    }

    /** A model computed with the given kernel (tests hold every kernel to the same bits). */
    SiMlp(RowKernel kernel) {
        this.kernel = kernel;
        this.columns = kernel.columnBatch();
    }

    private void ensureCapacity(int rows) {
        if (rows <= capacity) {
            return;
        }
        capacity = rows;
        a1 = new double[rows * HIDDEN];
        h1 = new double[rows * HIDDEN];
        a2 = new double[rows * HIDDEN];
        dz = new double[rows * HIDDEN];
        dh1 = new double[rows * HIDDEN];
        sd1 = new double[rows];
        sd2 = new double[rows];
        ds = new double[rows];
        scores = new double[rows];
        batch = new double[rows * INPUT];
        hiddenRows = consecutiveRows(rows);
    }

    private static int[] consecutiveRows(int n) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i * HIDDEN;
        }
        return rows;
    }

    /** Logits for {@code rows} samples given by index, written to {@code logits}. */
    public void logits(Weights w, Samples data, int[] index, int from, int rows, double[] logits) {
        checkShapes(w, data);
        ensureCapacity(rows);
        transpose(w.si());
        forward(w.head(), gather(data, index, from, rows), 0, rows, logits);
    }

    /**
     * The logits of every sample of {@code data}, in order, to {@code logits}; when {@code pattern}
     * is not null, which ReLUs are on, one word a sample (see {@link #reluWord}). Whole blocks go
     * through the passes with samples in lanes where the kernel takes that many, the rest through
     * the row-major ones.
     */
    private void allLogits(Weights w, Samples data, double[] logits, long[] pattern) {
        int n = data.count();
        int whole = n - n % ColumnBatch.BLOCK;
        int inLanes = columns != null && columns.takes(whole) ? whole : 0;
        for (int r = 0; r < inLanes; r += ColumnBatch.BLOCK) {
            columns.logits(w.si(), w.head(), data, r, logits, r, pattern);
        }
        int rest = n - inLanes;
        if (rest == 0) {
            return;
        }
        ensureCapacity(rest);
        transpose(w.si());
        forward(w.head(), data.x(), inLanes * INPUT, rest, scores);
        System.arraycopy(scores, 0, logits, inLanes, rest);
        if (pattern != null) {
            for (int r = 0; r < rest; r++) {
                pattern[inLanes + r] = reluWord(a1, a2, r * HIDDEN, 1);
            }
        }
    }

    /**
     * One sample's ReLUs as a word: bit 2k is on when the first layer's unit k is (pre-activation
     * above 0), bit 2k + 1 when the second layer's is; unit k's pre-activations at
     * {@code offset + k·stride}. A word at a time, not {@code BitSet.set} a bit: that took longer
     * than a gradient over the same samples (556 against 450 µs for 512).
     */
    static long reluWord(double[] a1, double[] a2, int offset, int stride) {
        long word = 0;
        for (int k = 0; k < HIDDEN; k++) {
            int at = offset + k * stride;
            long first = a1[at] > 0 ? 1L : 0L;
            long second = a2[at] > 0 ? 2L : 0L;
            word |= (first | second) << 2 * k;
        }
        return word;
    }

    /** The samples' rows copied one after the other, so the passes read them as one matrix. */
    private double[] gather(Samples data, int[] index, int from, int rows) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(data.x(), index[from + r] * INPUT, batch, r * INPUT, INPUT);
        }
        return batch;
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
        if (columns != null && columns.takes(rows)) {
            return columns.lossAndGradient(w.si(), w.head(), data, index, from, rows, gradient, correct);
        }
        ensureCapacity(rows);
        double[] si = w.si();
        double[] v = w.head();
        transpose(si);
        double[] s = scores;
        double[] x = gather(data, index, from, rows);
        forward(v, x, 0, rows, s);
        double loss = lossOfScores(s, data, index, from, rows, ds, correct);
        // Every sum below adds its terms in the order of the first (row-at-a-time) implementation,
        // so results are bit-identical to it (ReferenceSiMlp in the tests); only independent sums
        // are interleaved, which is what lets them run in vector lanes.
        // Layer 2: dh2 = ds·v through ReLU and LayerNorm, then dW2 (row k: Σ_r dz[r][k]·h1[r]).
        kernel.headGradient(a2, ds, v, rows, dh1);
        layerNormBackward(dh1, a2, sd2, rows, dz);
        outerSums(h1, rows, gradient, W2_OFFSET);
        // dh1[r] = Σ_k dz[r][k]·W2[k]
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            kernel.combine4(si, W2_OFFSET, CONSECUTIVE, HIDDEN, dz, r * HIDDEN, 1, HIDDEN, false, dh1, r * HIDDEN,
                    HIDDEN);
        }
        for (; r < rows; r++) {
            kernel.combine(si, W2_OFFSET, CONSECUTIVE, HIDDEN, dz, r * HIDDEN, 1, false, dh1, r * HIDDEN);
        }
        // Layer 1: through ReLU and LayerNorm, then dW1 (row k: Σ_r dz[r][k]·x[r]).
        kernel.reluGradient(a1, dh1, rows * HIDDEN);
        layerNormBackward(dh1, a1, sd1, rows, dz);
        outerSums(x, rows, gradient, 0);
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

    /**
     * Hessian-vector products of the loss over {@code data} with respect to the SI parameters at
     * {@code point}: central differences of the hand-written gradient, whose step shrinks until no
     * ReLU changes side ({@link Sharpness#finiteDifference}; SharpnessTest). What the analyses'
     * sharpness and {@code bench train} both estimate from.
     */
    public UnaryOperator<double[]> hessianTimes(Weights point, Samples data) {
        return Sharpness.finiteDifference(si -> fullGradient(si, point.head(), data),
                si -> reluPattern(si, point.head(), data), point.si(), Sharpness.RELATIVE_STEP * point.siNorm());
    }

    /**
     * Which ReLUs are on (pre-activation above 0) for every sample of {@code data}, both layers, at
     * the SI parameters {@code si} and head {@code head}: finite differences of the gradient are
     * exact products with the Hessian only while this pattern stays the same.
     */
    public BitSet reluPattern(double[] si, double[] head, Samples data) {
        int n = data.count();
        Weights w = new Weights(si, head);
        checkShapes(w, data);
        long[] words = new long[n];
        allLogits(w, data, new double[n], words);
        return BitSet.valueOf(words);
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

    /**
     * A weight gradient: row k of the matrix at {@code gradientOffset} is Σ_r dz[r][k]·in[r], the
     * rows r in order, rows whose dz is exactly 0 left out (as the first implementation did).
     */
    private void outerSums(double[] in, int rows, double[] gradient, int gradientOffset) {
        int k = 0;
        for (; k + 4 <= HIDDEN; k += 4) {
            kernel.combine4(in, 0, hiddenRows, rows, dz, k, HIDDEN, 1, true, gradient, gradientOffset + k * HIDDEN,
                    HIDDEN);
        }
        for (; k < HIDDEN; k++) {
            kernel.combine(in, 0, hiddenRows, rows, dz, k, HIDDEN, true, gradient, gradientOffset + k * HIDDEN);
        }
    }

    /** Mean loss and accuracy over a whole data set. */
    public Evaluation evaluate(Weights w, Samples data) {
        int n = data.count();
        checkShapes(w, data);
        double[] s = new double[n];
        allLogits(w, data, s, null);
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

    private void transpose(double[] si) {
        for (int k = 0; k < HIDDEN; k++) {
            for (int i = 0; i < INPUT; i++) {
                w1t[i * HIDDEN + k] = si[k * INPUT + i];
            }
        }
        for (int k = 0; k < HIDDEN; k++) {
            for (int j = 0; j < HIDDEN; j++) {
                w2t[j * HIDDEN + k] = si[W2_OFFSET + k * HIDDEN + j];
            }
        }
    }

    /**
     * The forward pass with the SI matrices already in {@link #w1t} and {@link #w2t}; leaves the
     * normalised pre-activations in a1, a2 and the ReLU of the first in h1 for the backward pass.
     */
    private void forward(double[] v, double[] x, int xOffset, int rows, double[] logits) {
        // Eight rows at a time: the products of four rows share the loads of the weights, and the
        // kernel runs the rows' LayerNorm sums side by side (each still in its own order).
        for (int r = 0; r < rows; r += BLOCK) {
            int count = Math.min(BLOCK, rows - r);
            int o = r * HIDDEN;
            products(w1t, x, xOffset + r * INPUT, count, a1, o);
            kernel.layerNorm(a1, r, count, sd1);
            for (int i = o; i < o + count * HIDDEN; i++) {
                h1[i] = Math.max(a1[i], 0.0);
            }
            products(w2t, h1, o, count, a2, o);
            kernel.layerNorm(a2, r, count, sd2);
            kernel.head(a2, r, count, v, logits);
        }
    }

    /**
     * {@code count} rows of {@code in} (from {@code inOffset}) times the 32×32 matrix {@code mt}
     * given input-major: out[r][k] = Σ_i mt[i][k]·in[r][i], i in order.
     */
    private void products(double[] mt, double[] in, int inOffset, int count, double[] out, int outOffset) {
        int r = 0;
        for (; r + 4 <= count; r += 4) {
            kernel.combine4(mt, 0, CONSECUTIVE, HIDDEN, in, inOffset + r * HIDDEN, 1, HIDDEN, false, out,
                    outOffset + r * HIDDEN, HIDDEN);
        }
        for (; r < count; r++) {
            kernel.combine(mt, 0, CONSECUTIVE, HIDDEN, in, inOffset + r * HIDDEN, 1, false, out, outOffset + r * HIDDEN);
        }
    }

    /** dz = (da − mean(da) − a·mean(da·a)) / sd for each of {@code rows} rows of a no-affine LayerNorm. */
    private void layerNormBackward(double[] da, double[] a, double[] sd, int rows, double[] dzOut) {
        for (int r = 0; r < rows; r += BLOCK) {
            kernel.layerNormBackward(da, a, sd, r, Math.min(BLOCK, rows - r), dzOut);
        }
    }

    /**
     * The summed BCE loss of a batch's logits {@code scores}; each logit's gradient of the mean
     * loss to {@code ds}, the number of correct predictions to {@code correct[0]}. Shared by the
     * row-major passes and {@link ColumnBatch}.
     */
    static double lossOfScores(double[] scores, Samples data, int[] index, int from, int rows, double[] ds,
                               int[] correct) {
        double loss = 0;
        int right = 0;
        for (int r = 0; r < rows; r++) {
            int y = data.y()[index[from + r]];
            double s = scores[r];
            // exp(-|s|) once for the loss (as bceWithLogits) and the sigmoid (exp(-s) for s >= 0,
            // exp(s) below): the same arguments, so the same bits as computing it twice.
            double e = Math.exp(-Math.abs(s));
            loss += bceWithLogits(s, y, e);
            if ((s > 0 ? 1 : 0) == y) {
                right++;
            }
            ds[r] = ((s >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e)) - y) / rows;
        }
        correct[0] = right;
        return loss;
    }

    static double bceWithLogits(double s, int y) {
        return bceWithLogits(s, y, Math.exp(-Math.abs(s)));
    }

    /** The loss given {@code expMinusAbs} = exp(-|s|). */
    private static double bceWithLogits(double s, int y, double expMinusAbs) {
        return Math.max(s, 0) - s * y + Math.log1p(expMinusAbs);
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
