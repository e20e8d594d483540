package io.lrsweep.tasks;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** How many times each stage ran in this process, by outcome (completed, cached, failed). */
public final class StageCounters {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();

    void record(String stage, String outcome) {
        counts.computeIfAbsent(stage + ":" + outcome, k -> new AtomicLong()).incrementAndGet();
    }

    public long get(String stage, String outcome) {
        AtomicLong c = counts.get(stage + ":" + outcome);
        return c == null ? 0 : c.get();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
}
