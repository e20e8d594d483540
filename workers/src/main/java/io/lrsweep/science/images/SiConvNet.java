package io.lrsweep.science.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lrsweep.science.SeededRandom;

/**
 * The SI ConvNet of the paper: four conv3x3-BN-ReLU layers of widths c, 2c, 4c, 8c (max-pooling
 * after the last three), a final 4×4 max-pool and a fixed linear head; convs without bias, BN
 * without affine parameters.
 */
public final class SiConvNet extends Network {
    private final NDArray[] convs = new NDArray[4];
    private final BatchNormLayer[] norms = new BatchNormLayer[4];
    private final NDArray head;

    SiConvNet(NetworkSpec spec, NDManager parent, SeededRandom random) {
        super(spec, parent);
        int c = spec.width();
        int[] widths = {c, 2 * c, 4 * c, 8 * c};
        int in = spec.inChannels();
        for (int i = 0; i < 4; i++) {
            convs[i] = convWeight("conv" + i + ".weight", widths[i], in, 3, TensorRole.SI, random);
            norms[i] = batchNorm("bn" + i, widths[i], false);
            in = widths[i];
        }
        head = tensor("head.weight", TensorRole.FIXED,
                uniform(new Shape(spec.classes(), 8 * c), 1.0 / Math.sqrt(8.0 * c), random));
    }

    /**
     * Each activation is freed as soon as the next is computed (autograd keeps what backward needs):
     * at the 500 images of an evaluation batch they are 8–33 MB each, and a batch's scope would hold
     * all eleven until its end.
     */
    @Override
    public NDArray forward(NDArray images, BnMode mode) {
        NDArray x = images;
        for (int i = 0; i < 4; i++) {
            x = replace(x, conv(x, convs[i], 1, 1), images);
            x = replace(x, norms[i].apply(x, mode), images);
            x = replace(x, relu(x), images);
            if (i > 0) {
                x = replace(x, maxPool(x, 2), images);
            }
        }
        x = replace(x, maxPool(x, 4), images);
        return linear(x.reshape(x.getShape().get(0), -1), head, null);
    }

    /** {@code next}, after closing {@code used} unless it is the caller's {@code input}. */
    private static NDArray replace(NDArray used, NDArray next, NDArray input) {
        if (used != input) {
            used.close();
        }
        return next;
    }
}
