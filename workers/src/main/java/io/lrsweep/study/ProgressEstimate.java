package io.lrsweep.study;

import java.util.List;
import java.util.OptionalDouble;

/**
 * The share of a study's stage executions that are done, and the time left: for each stage, its
 * unfinished executions times the mean time of its finished ones, over the parallelism seen.
 * {@code etaLowerBound} when some unfinished stage has no finished execution to time yet (its
 * share is left out); no ETA while no unfinished stage has been timed.
 */
public record ProgressEstimate(double fractionDone, OptionalDouble etaSeconds, boolean etaLowerBound) {

    public static ProgressEstimate of(List<StageTally> tallies, StageTimes times) {
        int total = tallies.stream().mapToInt(StageTally::total).sum();
        int done = tallies.stream().mapToInt(StageTally::done).sum();
        double work = 0;
        boolean timedAny = false;
        boolean untimed = false;
        for (StageTally t : tallies) {
            // A running execution is counted as half done: on average it is.
            double left = t.waiting() + t.running() / 2.0;
            if (left == 0) {
                continue;
            }
            Double mean = times.meanSeconds().get(t.stage());
            if (mean == null) {
                untimed = true;
            } else {
                timedAny = true;
                work += left * mean;
            }
        }
        double fraction = total == 0 ? 0 : (double) done / total;
        if (!timedAny) {
            return new ProgressEstimate(fraction, untimed ? OptionalDouble.empty() : OptionalDouble.of(0), false);
        }
        return new ProgressEstimate(fraction, OptionalDouble.of(work / times.parallelism()), untimed);
    }
}
