package io.lrsweep.stages;

import io.lrsweep.science.TrainingListener;
import io.lrsweep.study.BranchResults;

/**
 * Where a stage reports its progress: human-readable lines (task logs, the console) and, for
 * whoever wants numbers (the worker's metrics), training runs, checkpoints and analysis results.
 * Everything but {@link #log} is optional.
 */
@FunctionalInterface
public interface StageProgress {
    void log(String line);

    /** A training run starts; the science reports its steps and epochs to the listener returned. */
    default TrainingListener training(TrainingRun run) {
        return TrainingListener.NONE;
    }

    /** The training run ended and its final point has this test accuracy. */
    default void tested(TrainingRun run, double testAccuracy) {
    }

    /** A checkpoint of {@code bytes} went to the store in {@code nanos}. */
    default void checkpointStored(String stage, long bytes, long nanos) {
    }

    /** The analysis of one branch of a study finished with these results. */
    default void analysed(String studyId, BranchResults results) {
    }

    StageProgress NONE = line -> {
    };
}
