package io.lrsweep.science;

/** A listener that asks training to stop once it has seen {@code steps} steps, as a worker being shut down does. */
public final class StopAfter implements TrainingListener {
    private final long steps;
    private long taken;

    public StopAfter(long steps) {
        this.steps = steps;
    }

    @Override
    public void onStep(long iteration, int samples, long nanos) {
        taken++;
    }

    @Override
    public boolean stopRequested() {
        return taken >= steps;
    }
}
