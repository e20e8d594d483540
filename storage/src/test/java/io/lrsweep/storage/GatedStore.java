package io.lrsweep.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Another store (filesystem or S3) whose uploads wait at a gate until the test lets them through,
 * recording which uploads have started, how many were in flight at most, and the order in which
 * they were stored: a test can see uploads overlap without measuring time.
 */
final class GatedStore extends ForwardingStore {
    private final Semaphore gate = new Semaphore(0);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final BlockingQueue<String> started = new LinkedBlockingQueue<>();
    /** Keys in the order their uploads finished. */
    final List<String> stored = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean open;

    GatedStore(ArtifactStore inner) {
        super(inner);
    }

    @Override
    public StoredObject put(String key, Payload data) throws IOException {
        started.add(key);
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            if (!open) {
                gate.acquire();
            }
            StoredObject o = super.put(key, data);
            stored.add(key);
            return o;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted at the gate", e);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** The key of the next upload to reach the gate; fails the test if none comes within a minute. */
    String nextStarted() throws InterruptedException {
        String key = started.poll(1, TimeUnit.MINUTES);
        assertThat(key).as("an upload that should have started").isNotNull();
        return key;
    }

    /** Lets one waiting (or the next) upload through. */
    void letOneThrough() {
        gate.release();
    }

    /** Lets every upload through from now on. */
    void open() {
        open = true;
        gate.release(10_000);
    }

    int maxInFlight() {
        return maxInFlight.get();
    }
}
