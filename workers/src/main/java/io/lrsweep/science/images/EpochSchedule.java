package io.lrsweep.science.images;

/**
 * How to train for {@code epochs} epochs of shuffled batches of {@code batchSize} (the last
 * incomplete batch is dropped): SGD with {@code learningRate}, {@code momentum} and
 * {@code weightDecay}, and with {@code project} the SI weights rescaled to rho after every step.
 */
public record EpochSchedule(int epochs, int batchSize, double learningRate, double momentum, double weightDecay,
                            boolean project) {
    public EpochSchedule {
        if (epochs < 0 || batchSize < 1 || !(learningRate > 0) || momentum < 0 || weightDecay < 0) {
            throw new IllegalArgumentException("epochs >= 0, batchSize >= 1, learningRate > 0, momentum and"
                    + " weightDecay >= 0 required");
        }
    }

    /** Training on the sphere (study-spec §2): plain SGD with {@code lr = ELR·rho²}, then projection. */
    public static EpochSchedule onSphere(int epochs, int batchSize, double elr, double rho) {
        return new EpochSchedule(epochs, batchSize, elr * rho * rho, 0, 0, true);
    }

    public boolean usesMomentum() {
        return momentum > 0;
    }
}
