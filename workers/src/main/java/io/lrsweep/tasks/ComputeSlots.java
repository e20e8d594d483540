package io.lrsweep.tasks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The compute-bound stages one worker process runs at once (a fair semaphore), and when one of its
 * workers last saw every slot taken: the other task types poll for a freed slot only once it has
 * stayed free a while ({@link StageWorker#waits}).
 */
final class ComputeSlots {
    private final int count;
    private final Semaphore free;
    /** System.nanoTime when a worker last saw every slot taken; long enough ago at creation. */
    private volatile long lastFull;

    ComputeSlots(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("compute slots must be at least 1: " + count);
        }
        this.count = count;
        this.free = new Semaphore(count, true);
        this.lastFull = System.nanoTime() - StageWorker.SETTLE_NANOS;
    }

    /** Whether every slot is taken at {@code now} (System.nanoTime); if so, remembered as the last time. */
    boolean lookFull(long now) {
        if (free.availablePermits() == 0) {
            lastFull = now;
            return true;
        }
        return false;
    }

    /** When a worker last saw every slot taken (workers look every {@value StageWorker#TICK_MILLIS} ms). */
    long lastFull() {
        return lastFull;
    }

    /** Takes a slot within {@code millis}; false if none came free. */
    boolean take(long millis) throws InterruptedException {
        return free.tryAcquire(millis, TimeUnit.MILLISECONDS);
    }

    void release() {
        free.release();
    }

    /** Slots taken now. */
    int inUse() {
        return count - free.availablePermits();
    }
}
