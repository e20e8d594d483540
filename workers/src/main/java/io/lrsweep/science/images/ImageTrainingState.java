package io.lrsweep.science.images;

import java.util.Arrays;

/**
 * Everything needed to continue an image training run bit-for-bit after {@code epoch} finished
 * epochs: the network (weights and BN statistics), the momentum buffers of the practical model
 * (null on the sphere), and the per-epoch curves. Data order derives from (seed, epoch), so no
 * generator state is needed. {@code epochTestAccuracy} is NaN for epochs where it was not measured.
 */
public record ImageTrainingState(int epoch, NetworkState network, NetworkState velocity, double[] epochLoss,
                                 double[] epochAccuracy, double[] epochTestAccuracy) {

    public static ImageTrainingState start(NetworkState network) {
        return new ImageTrainingState(0, network, null, new double[0], new double[0], new double[0]);
    }

    public boolean sameAs(ImageTrainingState o) {
        return epoch == o.epoch && network.sameAs(o.network)
                && (velocity == null ? o.velocity == null : o.velocity != null && velocity.sameAs(o.velocity))
                && Arrays.equals(epochLoss, o.epochLoss) && Arrays.equals(epochAccuracy, o.epochAccuracy)
                && Arrays.equals(epochTestAccuracy, o.epochTestAccuracy);
    }
}
