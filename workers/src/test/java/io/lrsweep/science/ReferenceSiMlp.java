package io.lrsweep.science;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The SI MLP as first written (row at a time, before issue 13), kept verbatim as the ground truth
 * that {@link SiMlp} must match bit for bit; with the training loop of that version.
 */
final class ReferenceSiMlp {
    private static final int INPUT = SiMlp.INPUT;
    private static final int HIDDEN = SiMlp.HIDDEN;
    private static final double LAYER_NORM_EPS = SiMlp.LAYER_NORM_EPS;
    private static final int SI_PARAMETERS = SiMlp.SI_PARAMETERS;
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
     * Which ReLUs are on (pre-activation above 0) for every sample of {@code data}: bit
     * 2·(32·r + k) for unit k of the first layer of sample r, the next bit for the second layer's.
     */
    public BitSet reluPattern(Weights w, Samples data) {
        int n = data.count();
        int[] identity = new int[n];
        for (int i = 0; i < n; i++) {
            identity[i] = i;
        }
        checkShapes(w, data);
        ensureCapacity(n);
        forward(w, data, identity, 0, n, new double[n]);
        BitSet on = new BitSet(2 * n * HIDDEN);
        for (int i = 0; i < n * HIDDEN; i++) {
            on.set(2 * i, a1[i] > 0);
            on.set(2 * i + 1, a2[i] > 0);
        }
        return on;
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

    private static double bceWithLogits(double s, int y) {
        return Math.max(s, 0) - s * y + Math.log1p(Math.exp(-Math.abs(s)));
    }

    private static double sigmoid(double s) {
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
    /** The training loop of ProjectedSgd as first written: gradient, update, then projection. */
    static TrainingState train(TrainingState start, Samples train, long orderSeed, ProjectedSgd.Schedule schedule) {
        int perEpoch = train.count() / schedule.batchSize();
        ReferenceSiMlp model = new ReferenceSiMlp();
        Weights w = start.weights().copy();
        double[] si = w.si();
        double lr = schedule.elr().learningRate(SiMlp.RHO);
        double[] gradient = new double[si.length];
        int[] correct = new int[1];
        double[] epochLoss = start.epochLoss().clone();
        double[] epochAccuracy = start.epochAccuracy().clone();
        double lossSum = start.partialLossSum();
        long right = start.partialCorrect();
        long seen = start.partialSamples();
        long cachedEpoch = -1;
        int[] order = null;
        long iteration = start.iteration();
        while (iteration < schedule.iterations()) {
            long epoch = iteration / perEpoch;
            if (epoch != cachedEpoch) {
                order = SeededRandom.derive(orderSeed, "order", epoch).permutation(train.count());
                cachedEpoch = epoch;
            }
            int from = (int) (iteration % perEpoch) * schedule.batchSize();
            double loss = model.lossAndGradient(w, train, order, from, schedule.batchSize(), gradient, correct);
            for (int i = 0; i < si.length; i++) {
                si[i] -= lr * gradient[i];
            }
            double norm = Vectors.norm(si);
            Vectors.scale(si, SiMlp.RHO / norm);
            lossSum += loss * schedule.batchSize();
            right += correct[0];
            seen += schedule.batchSize();
            iteration++;
            if (iteration % perEpoch == 0) {
                epochLoss = Arrays.copyOf(epochLoss, epochLoss.length + 1);
                epochLoss[epochLoss.length - 1] = lossSum / seen;
                epochAccuracy = Arrays.copyOf(epochAccuracy, epochAccuracy.length + 1);
                epochAccuracy[epochAccuracy.length - 1] = (double) right / seen;
                lossSum = 0;
                right = 0;
                seen = 0;
            }
        }
        return new TrainingState(iteration, w, epochLoss, epochAccuracy, lossSum, right, seen);
    }
}
