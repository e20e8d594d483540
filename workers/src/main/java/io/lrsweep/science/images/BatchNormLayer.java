package io.lrsweep.science.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.BatchNorm;

/**
 * One BatchNorm layer over the channel axis of N×C×H×W inputs, eps 1e-5. Without affine
 * parameters (SI models) its scale and shift are constants 1 and 0.
 */
final class BatchNormLayer {
    static final float EPS = 1e-5f;
    /** PyTorch's momentum 0.1; DJL passes {@code 1 − momentum} to libtorch, so it is given as 0.9. */
    private static final float DJL_MOMENTUM = 0.9f;
    final NDArray runningMean;
    final NDArray runningVar;
    private final NDArray gamma;
    private final NDArray beta;
    private final int channels;
    private NDArray sum;
    private NDArray sumOfSquares;
    private long collected;

    BatchNormLayer(Network net, String name, int channels, boolean affine) {
        this.channels = channels;
        NDManager m = net.manager();
        if (affine) {
            gamma = net.tensor(name + ".weight", TensorRole.TRAINABLE, m.ones(new Shape(channels)));
            beta = net.tensor(name + ".bias", TensorRole.TRAINABLE, m.zeros(new Shape(channels)));
        } else {
            gamma = m.ones(new Shape(channels));
            beta = m.zeros(new Shape(channels));
        }
        runningMean = net.tensor(name + ".running_mean", TensorRole.BN_MEAN, m.zeros(new Shape(channels)));
        runningVar = net.tensor(name + ".running_var", TensorRole.BN_VAR, m.ones(new Shape(channels)));
    }

    NDArray apply(NDArray x, BnMode mode) {
        return switch (mode) {
            case TRAIN -> BatchNorm.batchNorm(x, runningMean, runningVar, gamma, beta, 1, DJL_MOMENTUM, EPS, true)
                    .singletonOrThrow();
            case EVAL -> BatchNorm.batchNorm(x, runningMean, runningVar, gamma, beta, 1, DJL_MOMENTUM, EPS, false)
                    .singletonOrThrow();
            case BATCH -> batchOnly(x);
            case COLLECT -> {
                // Each float64 temporary is twice the activation (130 MB for the quick ConvNet's second
                // layer at 500 images): freed here, not with the batch's scope, so that they never pile up.
                try (NDArray d = channelsFirst(x)) {
                    try (NDArray s = d.sum(new int[] {1})) {
                        sum.addi(s);
                    }
                    try (NDArray squares = d.square(); NDArray q = squares.sum(new int[] {1})) {
                        sumOfSquares.addi(q);
                    }
                }
                collected += x.getShape().get(0) * x.getShape().get(2) * x.getShape().get(3);
                yield batchOnly(x);
            }
        };
    }

    /** {@code x} in float64, channels first and everything else flattened: the engine sums over one axis at a time. */
    private NDArray channelsFirst(NDArray x) {
        try (NDArray wide = x.toType(DataType.FLOAT64, false); NDArray transposed = wide.transpose(1, 0, 2, 3)) {
            return transposed.reshape(channels, -1);
        }
    }

    /** Normalises with the batch's own statistics; throw-away running statistics absorb the update. */
    private NDArray batchOnly(NDArray x) {
        NDManager m = x.getManager();
        NDArray mean = m.zeros(new Shape(channels)).toDevice(x.getDevice(), false);
        NDArray var = m.ones(new Shape(channels)).toDevice(x.getDevice(), false);
        return BatchNorm.batchNorm(x, mean, var, gamma, beta, 1, DJL_MOMENTUM, EPS, true).singletonOrThrow();
    }

    void startCollecting() {
        NDManager m = runningMean.getManager();
        closeSums();
        sum = m.zeros(new Shape(channels), DataType.FLOAT64);
        sumOfSquares = m.zeros(new Shape(channels), DataType.FLOAT64);
        collected = 0;
    }

    /**
     * Sets the running statistics to the exact mean and unbiased variance of everything collected
     * (PyTorch keeps the unbiased variance in {@code running_var}).
     */
    void finishCollecting() {
        if (sum == null || collected < 2) {
            throw new IllegalStateException("BatchNorm statistics need at least two collected values");
        }
        double[] s = sum.toDoubleArray();
        double[] q = sumOfSquares.toDoubleArray();
        float[] mean = new float[channels];
        float[] var = new float[channels];
        for (int c = 0; c < channels; c++) {
            double mu = s[c] / collected;
            mean[c] = (float) mu;
            var[c] = (float) Math.max(0, (q[c] - collected * mu * mu) / (collected - 1));
        }
        runningMean.set(mean);
        runningVar.set(var);
        closeSums();
    }

    private void closeSums() {
        if (sum != null) {
            sum.close();
            sumOfSquares.close();
            sum = null;
            sumOfSquares = null;
        }
    }
}
