package io.lrsweep.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of an object to store, as a source that can be opened again: a store that retries an
 * interrupted upload starts over from a fresh stream instead of buffering the whole object.
 */
@FunctionalInterface
public interface Payload {
    /** A new stream over the whole payload, from its first byte. */
    InputStream open() throws IOException;

    static Payload of(byte[] data) {
        return new Bytes(data);
    }

    static Payload of(Path file) {
        return () -> Files.newInputStream(file);
    }

    /**
     * Bytes in memory. A store may keep them as given ({@link OwnWritesStore} does), whichever
     * stores around it passed the write on: each passes this same payload.
     */
    record Bytes(byte[] data) implements Payload {
        @Override
        public InputStream open() {
            return new ByteArrayInputStream(data);
        }
    }
}
