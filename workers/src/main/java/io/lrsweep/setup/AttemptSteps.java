package io.lrsweep.setup;

import io.lrsweep.science.TrainingListener;
import java.util.concurrent.atomic.LongAdder;

/** Counts the training steps of one attempt of a stage, and adds each to the worker's total. */
final class AttemptSteps implements TrainingListener {
    private final ComputeContext compute;
    private final LongAdder steps = new LongAdder();

    AttemptSteps(ComputeContext compute) {
        this.compute = compute;
    }

    @Override
    public void onStep(long iteration, int samples, long nanos) {
        steps.increment();
        compute.countStep();
    }

    /** Steps this attempt took (fewer than the schedule's after a resume). */
    long taken() {
        return steps.sum();
    }
}
