package io.lrsweep.science.images;

import java.util.Arrays;

/**
 * Everything needed to continue an image training run bit-for-bit after {@code epoch} finished
 * epochs and {@code partial} batches of the next: the network (weights and BN statistics), the
 * momentum buffers of the practical model (null on the sphere), the per-epoch curves and the sums
 * of the epoch in progress. Data order derives from (seed, epoch), so no generator state is needed.
 * {@code epochTestAccuracy} is NaN for epochs where it was not measured.
 */
public record ImageTrainingState(int epoch, NetworkState network, NetworkState velocity, double[] epochLoss,
                                 double[] epochAccuracy, double[] epochTestAccuracy, PartialEpoch partial) {

    /** The batches of epoch {@code epoch} already trained and their loss and correct-prediction sums. */
    public record PartialEpoch(int batches, double lossSum, long correct) {
        public static final PartialEpoch NONE = new PartialEpoch(0, 0, 0);

        public PartialEpoch {
            if (batches < 0 || correct < 0) {
                throw new IllegalArgumentException("a partial epoch needs batches >= 0 and correct >= 0");
            }
        }
    }

    public ImageTrainingState {
        if (partial == null) {
            throw new IllegalArgumentException("partial must not be null (PartialEpoch.NONE at an epoch end)");
        }
    }

    /** A state at an epoch end. */
    public ImageTrainingState(int epoch, NetworkState network, NetworkState velocity, double[] epochLoss,
                              double[] epochAccuracy, double[] epochTestAccuracy) {
        this(epoch, network, velocity, epochLoss, epochAccuracy, epochTestAccuracy, PartialEpoch.NONE);
    }

    public static ImageTrainingState start(NetworkState network) {
        return new ImageTrainingState(0, network, null, new double[0], new double[0], new double[0]);
    }

    public boolean sameAs(ImageTrainingState o) {
        return epoch == o.epoch && network.sameAs(o.network)
                && (velocity == null ? o.velocity == null : o.velocity != null && velocity.sameAs(o.velocity))
                && Arrays.equals(epochLoss, o.epochLoss) && Arrays.equals(epochAccuracy, o.epochAccuracy)
                && Arrays.equals(epochTestAccuracy, o.epochTestAccuracy) && partial.equals(o.partial);
    }
}
