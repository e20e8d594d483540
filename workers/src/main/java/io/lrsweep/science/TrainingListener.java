package io.lrsweep.science;

/** Progress of a training run, reported without the science knowing who listens. */
public interface TrainingListener {
    /** Called at the end of every epoch with the epoch-mean loss and accuracy on the batches seen. */
    default void onEpoch(long epoch, long iteration, double meanLoss, double accuracy) {
    }

    /** Called every {@code checkpointEvery} iterations and after the last one with a snapshot. */
    default void onCheckpoint(TrainingState snapshot) {
    }

    TrainingListener NONE = new TrainingListener() {
    };
}
