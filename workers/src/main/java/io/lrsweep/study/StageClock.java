package io.lrsweep.study;

import java.util.Map;
import java.util.TreeMap;

/**
 * Collects stage executions by their start and end times (milliseconds since the epoch, 0 = not
 * yet, as Conductor reports them) into {@link StageTimes}, as of {@code now}.
 */
public final class StageClock {
    private final long now;
    private final Map<String, long[]> computed = new TreeMap<>();
    private long busy;
    private long first = Long.MAX_VALUE;

    public StageClock(long nowMillis) {
        this.now = nowMillis;
    }

    /** One execution; {@code computed}: it finished with work done (not found cached, not failed). */
    public void add(String stage, long startMillis, long endMillis, boolean computed) {
        if (startMillis <= 0) {
            return;
        }
        first = Math.min(first, startMillis);
        long took = (endMillis > 0 ? endMillis : now) - startMillis;
        busy += Math.max(0, took);
        if (computed && endMillis > 0) {
            long[] sum = this.computed.computeIfAbsent(stage, s -> new long[2]);
            sum[0] += took;
            sum[1]++;
        }
    }

    /** A computed execution known by its duration alone (one stage of several in one task). */
    public void computed(String stage, double seconds) {
        long[] sum = computed.computeIfAbsent(stage, s -> new long[2]);
        sum[0] += Math.round(seconds * 1e3);
        sum[1]++;
    }

    public StageTimes times() {
        if (first == Long.MAX_VALUE) {
            return StageTimes.none();
        }
        Map<String, Double> means = new TreeMap<>();
        computed.forEach((stage, sum) -> means.put(stage, sum[0] / 1e3 / sum[1]));
        return new StageTimes(means, busy / 1e3, (now - first) / 1e3);
    }
}
