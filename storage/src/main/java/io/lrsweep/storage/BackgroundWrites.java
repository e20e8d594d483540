package io.lrsweep.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The uploads of one stage directory that run while its stage goes on: several at once (a store
 * far away answers each request late, not slowly), those of one key in the order asked, at most
 * {@link #MAX_PENDING} held (the caller waits beyond that, so memory stays bounded). A write still
 * waiting when a newer one of the same key comes is dropped: the newer replaces it anyway (training
 * that runs ahead of its uploads skips resume checkpoints nobody could read).
 */
final class BackgroundWrites {
    /** Held at once, running or waiting: each holds a checkpoint in memory. */
    static final int MAX_PENDING = 4;

    /** Stores one object; {@link StageDirectory#write} with its bookkeeping. */
    @FunctionalInterface
    interface Writer {
        StoredObject write(String name, byte[] data) throws IOException;
    }

    private record Waiting(byte[] data, StageDirectory.WriteListener listener) {
    }

    private final Writer writer;
    private final String prefix;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Not started yet, in the order first asked; a key appears once. */
    private final Map<String, Waiting> waiting = new LinkedHashMap<>();
    private final Set<String> running = new HashSet<>();
    private IOException failure;

    /** @param prefix the stage directory, for messages */
    BackgroundWrites(Writer writer, String prefix) {
        this.writer = writer;
        this.prefix = prefix;
    }

    /**
     * Queues {@code data} for {@code name}; blocks while {@link #MAX_PENDING} writes are held
     * (unless it replaces a waiting write of the same name). Throws the failure of an earlier write.
     */
    void submit(String name, byte[] data, StageDirectory.WriteListener listener) throws IOException {
        lock.lock();
        try {
            while (failure == null && !waiting.containsKey(name) && waiting.size() + running.size() >= MAX_PENDING) {
                changed.await();
            }
            throwFailure();
            // put() on a present key keeps its place: the newest bytes go out when that write's turn comes.
            waiting.put(name, new Waiting(data, listener));
            startReady();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to write " + prefix + "/" + name);
        } finally {
            lock.unlock();
        }
    }

    /** Starts every waiting write whose key has no write running (the lock is held). */
    private void startReady() {
        for (Iterator<Map.Entry<String, Waiting>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Waiting> e = it.next();
            String name = e.getKey();
            if (running.add(name)) {
                it.remove();
                Waiting w = e.getValue();
                StoreCalls.THREADS.execute(() -> run(name, w));
            }
        }
    }

    private void run(String name, Waiting w) {
        IOException failed = null;
        try {
            long started = System.nanoTime();
            StoredObject stored = writer.write(name, w.data());
            w.listener().stored(stored, System.nanoTime() - started);
        } catch (IOException e) {
            failed = e;
        } catch (RuntimeException | Error e) {
            // Whatever it was, the stage must hear of it at its commit rather than wait forever.
            failed = new IOException("writing " + prefix + "/" + name + " failed: " + e, e);
        }
        lock.lock();
        try {
            running.remove(name);
            if (failed != null && failure == null) {
                failure = failed;
            }
            if (failure != null) {
                // The stage fails at its next call here: nothing more of this attempt goes out.
                waiting.clear();
            } else {
                startReady();
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no write is held; throws the first failure. */
    void await() throws IOException {
        lock.lock();
        try {
            while (!waiting.isEmpty() || !running.isEmpty()) {
                changed.await();
            }
            throwFailure();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for the writes of " + prefix);
        } finally {
            lock.unlock();
        }
    }

    private void throwFailure() throws IOException {
        if (failure instanceof StoreFullException full) {
            // Its own type, so that the task fails at once with the store and the space named.
            throw new StoreFullException(full.getMessage(), full);
        }
        if (failure != null) {
            throw new IOException("a background write of " + prefix + " failed: " + failure.getMessage(), failure);
        }
    }
}
