package io.lrsweep.study;

import java.util.Map;

/**
 * What a study's stages took so far: the mean seconds of each stage's computed (not cached)
 * executions, and the seconds of stage work ({@code busySeconds}, running ones up to now)
 * within {@code wallSeconds} since the first stage started, whose ratio is the parallelism seen.
 */
public record StageTimes(Map<String, Double> meanSeconds, double busySeconds, double wallSeconds) {
    public StageTimes {
        meanSeconds = Map.copyOf(meanSeconds);
    }

    public static StageTimes none() {
        return new StageTimes(Map.of(), 0, 0);
    }

    /** Stages executed at once on average; at least 1, since stage work was never seen to overlap less. */
    public double parallelism() {
        return wallSeconds <= 0 ? 1 : Math.max(1, busySeconds / wallSeconds);
    }
}
