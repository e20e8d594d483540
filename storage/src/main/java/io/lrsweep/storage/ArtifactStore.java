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

    /** Stores {@code data} under {@code key}, replacing any previous object, atomically. */
    StoredObject put(String key, InputStream data) throws IOException;

    default StoredObject put(String key, byte[] data) throws IOException {
        return put(key, new java.io.ByteArrayInputStream(data));
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
