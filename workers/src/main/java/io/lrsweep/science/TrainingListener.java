package io.lrsweep.science;

/** Progress of a training run, reported without the science knowing who listens. */
public interface TrainingListener {
    /**
     * Called after every SGD step with the samples it used and its compute time in nanoseconds
     * (gradient, update and projection; not the listener calls around it).
     */
    default void onStep(long iteration, int samples, long nanos) {
    }

    /** Called at the end of every epoch with the epoch-mean loss and accuracy on the batches seen. */
    default void onEpoch(long epoch, long iteration, double meanLoss, double accuracy) {
    }

    /** Called every {@code checkpointEvery} iterations and after the last one with a snapshot. */
    default void onCheckpoint(TrainingState snapshot) {
    }

    /**
     * Asked once before every step: true makes the training return at once with the state reached
     * so far (which continues exactly from there), e.g. when the worker is being shut down.
     */
    default boolean stopRequested() {
        return false;
    }

    /** This listener, then {@code next}, for every call; a stop asked by either stops. */
    default TrainingListener andThen(TrainingListener next) {
        TrainingListener first = this;
        return new TrainingListener() {
            @Override
            public void onStep(long iteration, int samples, long nanos) {
                first.onStep(iteration, samples, nanos);
                next.onStep(iteration, samples, nanos);
            }

            @Override
            public void onEpoch(long epoch, long iteration, double meanLoss, double accuracy) {
                first.onEpoch(epoch, iteration, meanLoss, accuracy);
                next.onEpoch(epoch, iteration, meanLoss, accuracy);
            }

            @Override
            public void onCheckpoint(TrainingState snapshot) {
                first.onCheckpoint(snapshot);
                next.onCheckpoint(snapshot);
            }

            @Override
            public boolean stopRequested() {
                return first.stopRequested() || next.stopRequested();
            }
        };
    }

    TrainingListener NONE = new TrainingListener() {
    };
}
