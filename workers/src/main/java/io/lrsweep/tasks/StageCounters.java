package io.lrsweep.tasks;

import io.lrsweep.study.StageTimes;
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

    // Stage work, for the progress line's ETA: executions computing now (their start times summed,
    // so that their time so far is count × now − sum), the time of finished ones, and per stage
    // the time and number of computed (not cached) ones.
    private final Map<String, AtomicLong> computing = new ConcurrentHashMap<>();
    private final LongAdder computingStartSum = new LongAdder();
    private final LongAdder finishedNanos = new LongAdder();
    private final Map<String, LongAdder> computedNanos = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> computedCount = new ConcurrentHashMap<>();
    private final AtomicLong firstBegan = new AtomicLong();

    void started(String stage) {
        running.computeIfAbsent(stage, k -> new AtomicLong()).incrementAndGet();
    }

    void ended(String stage) {
        running.get(stage).decrementAndGet();
    }

    /** A stage begins its work (its compute slot held): returns the time to hand to {@link #finished}. */
    long began(String stage) {
        long now = System.nanoTime();
        firstBegan.compareAndSet(0, now);
        computing.computeIfAbsent(stage, k -> new AtomicLong()).incrementAndGet();
        computingStartSum.add(now);
        return now;
    }

    /** The work begun at {@code began} has ended; {@code computed}: it was not found cached nor failed. */
    void finished(String stage, long began, boolean computed) {
        long took = System.nanoTime() - began;
        computing.get(stage).decrementAndGet();
        computingStartSum.add(-began);
        finishedNanos.add(took);
        if (computed) {
            computedNanos.computeIfAbsent(stage, k -> new LongAdder()).add(took);
            computedCount.computeIfAbsent(stage, k -> new LongAdder()).increment();
        }
    }

    /** Executions of {@code stage} doing their work in this process now (not those waiting for a slot). */
    public long computing(String stage) {
        AtomicLong c = computing.get(stage);
        return c == null ? 0 : c.get();
    }

    /** What the stages of this process took so far: the measured times an ETA is made from. */
    public StageTimes times() {
        long now = System.nanoTime();
        long first = firstBegan.get();
        if (first == 0) {
            return StageTimes.none();
        }
        long inFlight = computing.values().stream().mapToLong(AtomicLong::get).sum();
        long busy = finishedNanos.sum() + Math.max(0, inFlight * now - computingStartSum.sum());
        Map<String, Double> means = new TreeMap<>();
        computedCount.forEach((stage, n) -> {
            if (n.sum() > 0) {
                means.put(stage, computedNanos.get(stage).sum() / 1e9 / n.sum());
            }
        });
        return new StageTimes(means, busy / 1e9, (now - first) / 1e9);
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
