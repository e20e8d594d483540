package io.lrsweep.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A store that reads back the small objects it wrote itself from memory: a task that runs a
 * branch's stages in turn reads each stage's manifest and points again in the next stage, and on an
 * object store each of those reads is a round trip. Only what this store wrote is remembered, and
 * only after the write succeeded; a delete, or a write from a stream, forgets the key. Readers still
 * verify what they read against the manifest, as they would from the store.
 *
 * <p>Objects written by anyone else (another worker, another task) are always read from the store.
 * One instance lives as long as one task: a later task sees the store as it is.
 */
public final class OwnWritesStore extends ForwardingStore {
    private final long budgetBytes;
    /** Oldest first; what this store wrote and still holds, at most {@code budgetBytes} in all. */
    private final LinkedHashMap<String, byte[]> held = new LinkedHashMap<>();
    private long heldBytes;
    /** Writes started so far: a write that ends after a later one of its key began is not held. */
    private long writes;
    private final Map<String, Long> lastWrite = new HashMap<>();

    /**
     * @param budgetBytes the most bytes held at once; the oldest objects are dropped to make room, and an
     *                    object larger than this is not held at all
     */
    public OwnWritesStore(ArtifactStore store, long budgetBytes) {
        super(store);
        if (budgetBytes < 0) {
            throw new IllegalArgumentException("budgetBytes must be 0 or more, not " + budgetBytes);
        }
        this.budgetBytes = budgetBytes;
    }

    @Override
    public StoredObject put(String key, Payload data) throws IOException {
        long write = forget(key);
        StoredObject stored = super.put(key, data);
        if (data instanceof Payload.Bytes bytes) {
            // A copy: the caller may reuse its array, and what is read back must be what was stored.
            hold(key, bytes.data().clone(), write);
        }
        return stored;
    }

    @Override
    public InputStream open(String key) throws IOException {
        byte[] data = recall(key);
        return data != null ? new ByteArrayInputStream(data) : super.open(key);
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        byte[] data = recall(key);
        return data != null ? Optional.of((long) data.length) : super.size(key);
    }

    @Override
    public void delete(String key) throws IOException {
        forget(key);
        super.delete(key);
    }

    /** How many bytes are held now (for tests and logs). */
    public synchronized long heldBytes() {
        return heldBytes;
    }

    /** What is held for {@code key}, or null. */
    private synchronized byte[] recall(String key) {
        return held.get(key);
    }

    private synchronized void hold(String key, byte[] data, long write) {
        if (data.length > budgetBytes || lastWrite.get(key) != write) {
            return;
        }
        Iterator<Map.Entry<String, byte[]>> oldest = held.entrySet().iterator();
        while (heldBytes + data.length > budgetBytes) {
            heldBytes -= oldest.next().getValue().length;
            oldest.remove();
        }
        held.put(key, data);
        heldBytes += data.length;
    }

    /** Drops what is held for {@code key}; the number of the write or delete that begins now. */
    private synchronized long forget(String key) {
        byte[] was = held.remove(key);
        if (was != null) {
            heldBytes -= was.length;
        }
        lastWrite.put(key, ++writes);
        return writes;
    }
}
