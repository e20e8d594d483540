package io.lrsweep.storage;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/**
 * Verified reads of objects that finished stages list, fetched ahead in the order they will be
 * asked for, so that a stage working on one point does not wait a round trip for the next. What is
 * fetched and not yet taken stays within a byte budget (the manifests give the sizes), and at most
 * {@link #MAX_AHEAD} objects; one is always fetched, however large.
 */
public final class ReadAhead implements AutoCloseable {
    static final int MAX_AHEAD = 8;

    /** One object to read: the finished stage's directory, its manifest, and the object's name there. */
    public record Item(StageDirectory dir, Manifest manifest, String name) {
        String key() {
            return dir.key(name);
        }

        long size() {
            return manifest.object(key()).map(StoredObject::size).orElse(0L);
        }
    }

    private final Deque<Item> toFetch;
    private final Map<String, Future<byte[]>> fetched = new HashMap<>();
    private final Map<String, Long> sizes = new HashMap<>();
    private final long budget;
    private long bytesAhead;

    private ReadAhead(List<Item> order, long budget) {
        this.toFetch = new ArrayDeque<>(order);
        this.budget = budget;
    }

    /** Starts fetching {@code order}, up to {@code budgetBytes} ahead of what has been taken. */
    public static ReadAhead of(List<Item> order, long budgetBytes) {
        ReadAhead ahead = new ReadAhead(order, budgetBytes);
        synchronized (ahead) {
            ahead.fill();
        }
        return ahead;
    }

    /**
     * The verified bytes of {@code item}; a corrupt or missing object throws
     * {@link CorruptObjectException} here, as {@link StageDirectory#readVerified} would. An item not
     * in the order given is read at once.
     */
    public byte[] read(Item item) throws IOException {
        Future<byte[]> f;
        synchronized (this) {
            String key = item.key();
            f = fetched.remove(key);
            if (f != null) {
                bytesAhead -= sizes.remove(key);
            } else {
                toFetch.removeIf(i -> i.key().equals(key));
            }
            fill();
        }
        return f != null ? StoreCalls.join(f) : item.dir().readVerified(item.manifest(), item.name());
    }

    /** Starts fetches while the budget allows (the monitor is held). */
    private void fill() {
        while (!toFetch.isEmpty() && fetched.size() < MAX_AHEAD
                && (fetched.isEmpty() || bytesAhead + toFetch.peek().size() <= budget)) {
            Item next = toFetch.poll();
            String key = next.key();
            if (fetched.containsKey(key)) {
                continue;
            }
            long size = next.size();
            bytesAhead += size;
            sizes.put(key, size);
            fetched.put(key, StoreCalls.start(() -> next.dir().readVerified(next.manifest(), next.name())));
        }
    }

    /** Drops what was fetched and not taken; fetches still running finish on their own and are dropped. */
    @Override
    public synchronized void close() {
        fetched.values().forEach(f -> f.cancel(false));
        fetched.clear();
        sizes.clear();
        toFetch.clear();
        bytesAhead = 0;
    }
}
