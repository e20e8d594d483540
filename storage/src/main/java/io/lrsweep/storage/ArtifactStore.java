package io.lrsweep.storage;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where stages keep their objects (checkpoints, curves, results, manifests), addressed by
 * slash-separated keys. A {@code put} is atomic: readers see the whole object or none.
 */
public interface ArtifactStore {

    /**
     * Streams {@code data} to {@code key}, replacing any previous object, atomically; returns the
     * size and SHA-256 computed while streaming. The payload may be opened again on a retry.
     */
    StoredObject put(String key, Payload data) throws IOException;

    default StoredObject put(String key, byte[] data) throws IOException {
        return put(key, Payload.of(data));
    }

    /** Opens the object for reading; {@link java.nio.file.NoSuchFileException} if absent. */
    InputStream open(String key) throws IOException;

    default byte[] get(String key) throws IOException {
        try (InputStream in = open(key)) {
            return in.readAllBytes();
        }
    }

    /** Size of the object, if it exists. */
    Optional<Long> size(String key) throws IOException;

    default boolean exists(String key) throws IOException {
        return size(key).isPresent();
    }

    /** All keys under a prefix (recursively), sorted. */
    List<String> list(String prefix) throws IOException;

    /**
     * The names one level below {@code prefix} (object names, and folder names with a trailing
     * slash), sorted: what a listing of studies needs without walking every checkpoint. This
     * default walks them; the stores override it.
     */
    default List<String> children(String prefix) throws IOException {
        String p = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        List<String> names = new ArrayList<>();
        for (String key : list(p)) {
            String rest = key.substring(p.length());
            int slash = rest.indexOf('/');
            String name = slash < 0 ? rest : rest.substring(0, slash + 1);
            if (names.isEmpty() || !names.get(names.size() - 1).equals(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** When the object was last written, if it exists and the store keeps the time. */
    default Optional<Instant> modified(String key) throws IOException {
        return Optional.empty();
    }

    /**
     * Writes a small object that is only a hint (an index entry: losing it costs work, never a
     * result). Here it is written at once; a store that lives as long as one task may send it while
     * the task goes on and wait for it when the task ends ({@link BackgroundHints}).
     */
    default void putHint(String key, byte[] data) throws IOException {
        put(key, data);
    }

    /**
     * True when the store knows without a request that {@code key} is absent: a listing it took
     * earlier lacks the key and nothing wrote it through this store since. False when only a request
     * would tell. The answer can be stale (another writer may have added the key since the listing),
     * so it serves checks where a stale "absent" costs work done twice, never a wrong result.
     */
    default boolean knownAbsent(String key) {
        return false;
    }

    /** Removes the object; no error if it does not exist. */
    void delete(String key) throws IOException;

    /** Where this store lives, for messages (never contains credentials). */
    String describe();
}
