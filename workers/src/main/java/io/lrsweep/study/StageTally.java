package io.lrsweep.study;

/**
 * Where one stage of a study stands: of its {@code total} executions, {@code done} (completed,
 * {@code cached} among them), running, failed, and the rest waiting, so that the four add up to
 * the total. {@code exact} is false while the total is an upper bound.
 */
public record StageTally(String stage, int total, boolean exact, int done, int cached, int running, int failed) {

    /**
     * The tally of {@code planned} with these counts; a total below the counts (a plan that did not
     * foresee them) is raised to them, so that nothing is ever shown as more than done.
     */
    public static StageTally of(PlannedStages.Planned planned, int done, int cached, int running, int failed) {
        int counted = done + running + failed;
        return new StageTally(planned.stage(), Math.max(planned.total(), counted),
                planned.exact() || counted >= planned.total(), done, cached, running, failed);
    }

    /** Executions not started yet (queued, or waiting for their upstream stage). */
    public int waiting() {
        return total - done - running - failed;
    }
}
