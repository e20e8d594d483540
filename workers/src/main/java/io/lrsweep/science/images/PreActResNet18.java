package io.lrsweep.science.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.pooling.Pool;
import io.lrsweep.science.SeededRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Pre-activation ResNet-18 for 32×32 images: stem conv3x3, four stages of two blocks (widths c,
 * 2c, 4c, 8c; strides 1, 2, 2, 2), head BN-ReLU-avgpool4-linear. A shortcut that changes stride or
 * width is a conv1x1 of the block's pre-activated input {@code relu(bn1(x))}, as in the authors'
 * code (study-spec §3); otherwise the block input itself. The SI variant has no BN affine parameters, no conv
 * biases and a fixed head without bias; the practical one has affine BN and a trainable head.
 */
public final class PreActResNet18 extends Network {
    private final NDArray stem;
    private final List<Block> blocks = new ArrayList<>();
    private final BatchNormLayer headNorm;
    private final NDArray headWeight;
    private final NDArray headBias;

    private record Block(BatchNormLayer bn1, NDArray conv1, BatchNormLayer bn2, NDArray conv2, int stride,
                         NDArray shortcutConv) {
    }

    PreActResNet18(NetworkSpec spec, NDManager parent, SeededRandom random) {
        super(spec, parent);
        boolean si = spec.architecture().scaleInvariant();
        TensorRole weights = si ? TensorRole.SI : TensorRole.TRAINABLE;
        int c = spec.width();
        stem = convWeight("stem.weight", c, spec.inChannels(), 3, weights, random);
        int in = c;
        for (int stage = 0; stage < 4; stage++) {
            int out = c << stage;
            for (int b = 0; b < 2; b++) {
                int stride = stage > 0 && b == 0 ? 2 : 1;
                String n = "layer" + (stage + 1) + "." + b;
                BatchNormLayer bn1 = batchNorm(n + ".bn1", in, !si);
                NDArray conv1 = convWeight(n + ".conv1.weight", out, in, 3, weights, random);
                BatchNormLayer bn2 = batchNorm(n + ".bn2", out, !si);
                NDArray conv2 = convWeight(n + ".conv2.weight", out, out, 3, weights, random);
                NDArray scConv = stride != 1 || in != out
                        ? convWeight(n + ".shortcut.conv.weight", out, in, 1, weights, random) : null;
                blocks.add(new Block(bn1, conv1, bn2, conv2, stride, scConv));
                in = out;
            }
        }
        headNorm = batchNorm("head.bn", in, !si);
        double bound = 1.0 / Math.sqrt(in);
        headWeight = tensor("head.weight", si ? TensorRole.FIXED : TensorRole.TRAINABLE,
                uniform(new Shape(spec.classes(), in), bound, random));
        headBias = si ? null : tensor("head.bias", TensorRole.TRAINABLE,
                uniform(new Shape(spec.classes()), bound, random));
    }

    @Override
    public NDArray forward(NDArray images, BnMode mode) {
        NDArray x = conv(images, stem, 1, 1);
        for (Block b : blocks) {
            NDArray pre = relu(b.bn1().apply(x, mode));
            NDArray shortcut = b.shortcutConv() == null ? x : conv(pre, b.shortcutConv(), b.stride(), 0);
            NDArray o = conv(pre, b.conv1(), b.stride(), 1);
            o = conv(relu(b.bn2().apply(o, mode)), b.conv2(), 1, 1);
            x = o.add(shortcut);
        }
        x = relu(headNorm.apply(x, mode));
        x = Pool.avgPool2d(x, new Shape(4, 4), new Shape(4, 4), new Shape(0, 0), false, true);
        return linear(x.reshape(x.getShape().get(0), -1), headWeight, headBias);
    }
}
