package io.lrsweep.tasks;

import java.time.Duration;

/** Waiting in tests for a study on a Conductor server to end. */
public final class StudyCompletion {
    private StudyCompletion() {
    }

    /** Polls the study every half second until it is no longer running; fails after {@code timeout}. */
    public static StudyProgress await(ConductorApi api, String id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            StudyProgress p = StudyProgress.of(api, id);
            if (p.finished()) {
                return p;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("study " + id + " did not finish in " + timeout + ": " + StudyProgress.of(api, id).line());
    }
}
