package io.lrsweep.storage;

import java.io.IOException;
import java.io.InputStream;
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

    /** Removes the object; no error if it does not exist. */
    void delete(String key) throws IOException;

    /** Where this store lives, for messages (never contains credentials). */
    String describe();
}
