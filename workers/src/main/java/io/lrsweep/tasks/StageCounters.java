package io.lrsweep.tasks;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** How many times each stage ran in this process, by outcome (completed, cached, failed), and their CPU time. */
public final class StageCounters {
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final LongAdder stageCpuNanos = new LongAdder();

    private final Map<String, AtomicLong> running = new ConcurrentHashMap<>();

    private volatile long lastActivity = System.nanoTime();

    void started(String stage) {
        lastActivity = System.nanoTime();
        running.computeIfAbsent(stage, k -> new AtomicLong()).incrementAndGet();
    }

    void ended(String stage) {
        lastActivity = System.nanoTime();
        running.get(stage).decrementAndGet();
    }

    /** When a stage last started or ended in this process (System.nanoTime; creation time before any). */
    long lastActivity() {
        return lastActivity;
    }

    /** Stages running in this process now. */
    public long running(String stage) {
        AtomicLong c = running.get(stage);
        return c == null ? 0 : c.get();
    }

    /** Every stage this process has run or is running. */
    public Set<String> stages() {
        Set<String> all = new TreeSet<>(running.keySet());
        counts.keySet().forEach(k -> all.add(k.substring(0, k.indexOf(':'))));
        return all;
    }

    void record(String stage, String outcome) {
        counts.computeIfAbsent(stage + ":" + outcome, k -> new AtomicLong()).incrementAndGet();
    }

    public long get(String stage, String outcome) {
        AtomicLong c = counts.get(stage + ":" + outcome);
        return c == null ? 0 : c.get();
    }

    void addStageCpu(long nanos) {
        stageCpuNanos.add(nanos);
    }

    /**
     * CPU time of the worker threads while they ran stages (not polling, not reporting): the
     * compute of synthetic studies. Threads that libtorch starts for image models are not counted.
     */
    public long stageCpuNanos() {
        return stageCpuNanos.sum();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> m = new TreeMap<>();
        counts.forEach((k, v) -> m.put(k, v.get()));
        return m;
    }
}
