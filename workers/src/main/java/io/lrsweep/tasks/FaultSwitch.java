package io.lrsweep.tasks;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test-only fault injection: makes the next N executions of a task type fail with a terminal
 * error, as a crashed analysis would. Only code that builds a {@link WorkerHost} can arm it; it is
 * not reachable from workflow input or the command line.
 */
public final class FaultSwitch {
    private final Map<String, AtomicInteger> remaining = new ConcurrentHashMap<>();

    private final Map<String, AtomicInteger> skipped = new ConcurrentHashMap<>();

    public void failNext(String taskType, int times) {
        remaining.computeIfAbsent(taskType, t -> new AtomicInteger()).addAndGet(times);
    }

    /** Lets the next {@code skip} executions of the task type pass, then fails {@code times} of them. */
    public void failAfter(String taskType, int skip, int times) {
        skipped.computeIfAbsent(taskType, t -> new AtomicInteger()).addAndGet(skip);
        failNext(taskType, times);
    }

    void check(String taskType) {
        AtomicInteger pass = skipped.get(taskType);
        if (pass != null && pass.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return;
        }
        AtomicInteger left = remaining.get(taskType);
        if (left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new InjectedFault("injected fault in " + taskType + " (test fault switch)");
        }
    }

    /** The failure that an armed switch raises. */
    static final class InjectedFault extends RuntimeException {
        InjectedFault(String message) {
            super(message);
        }
    }
}
