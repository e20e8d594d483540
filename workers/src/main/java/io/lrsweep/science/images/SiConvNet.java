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

    @Override
    public NDArray forward(NDArray images, BnMode mode) {
        NDArray x = images;
        for (int i = 0; i < 4; i++) {
            x = relu(norms[i].apply(conv(x, convs[i], 1, 1), mode));
            if (i > 0) {
                x = maxPool(x, 2);
            }
        }
        x = maxPool(x, 4);
        return linear(x.reshape(x.getShape().get(0), -1), head, null);
    }
}
