package io.lrsweep.storage;

import com.fasterxml.jackson.core.JacksonException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The objects of one stage under one key prefix, with the commit protocol: objects first,
 * {@code MANIFEST.json} last; an object is read back only through the manifest, verified against
 * its recorded SHA-256.
 */
public final class StageDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(StageDirectory.class);
    private final ArtifactStore store;
    private final String prefix;

    public StageDirectory(ArtifactStore store, String prefix) {
        this.store = store;
        this.prefix = StoreKeys.requireValidKey(prefix);
    }

    public String prefix() {
        return prefix;
    }

    public ArtifactStore store() {
        return store;
    }

    public String key(String name) {
        return StoreKeys.requireValidKey(prefix + "/" + name);
    }

    public StoredObject write(String name, byte[] data) throws IOException {
        return store.put(key(name), data);
    }

    public Optional<byte[]> readUnverified(String name) throws IOException {
        String key = key(name);
        if (!store.exists(key)) {
            return Optional.empty();
        }
        return Optional.of(store.get(key));
    }

    public void delete(String name) throws IOException {
        store.delete(key(name));
    }

    /**
     * The manifest, if the stage finished; a manifest that cannot be parsed (truncated, altered)
     * counts as absent, so the stage runs again and writes a new one, and is named in the log.
     */
    public Optional<Manifest> manifest() throws IOException {
        String key = key(Manifest.FILE_NAME);
        if (!store.exists(key)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(store.get(key), Manifest.class));
        } catch (JacksonException e) {
            LOG.warn("{} cannot be read ({}): the stage counts as unfinished and runs again", key,
                    e.getOriginalMessage());
            return Optional.empty();
        }
    }

    /**
     * Hashes the named objects as they now are in the store and writes the manifest that lists
     * them; only then is the stage finished. If another attempt of the same stage (at-least-once
     * delivery) already committed the same objects under the same fingerprint, its manifest is kept.
     */
    public Manifest commit(String stage, String fingerprint, Map<String, Object> inputs, List<String> names,
                           Map<String, Object> metrics, String codeVersion) throws IOException {
        List<StoredObject> objects = new ArrayList<>();
        for (String name : names) {
            String key = key(name);
            MessageDigest digest = Sha256.newDigest();
            long size;
            try (InputStream in = new DigestInputStream(store.open(key), digest)) {
                size = in.transferTo(OutputStream.nullOutputStream());
            }
            objects.add(new StoredObject(key, size, Sha256.hex(digest)));
        }
        Manifest manifest = new Manifest(Manifest.FORMAT, stage, fingerprint, inputs, objects, metrics,
                codeVersion, Instant.now().toString());
        Optional<Manifest> existing = manifest();
        if (existing.isPresent() && existing.get().contentHash().equals(manifest.contentHash())) {
            return existing.get();
        }
        store.put(key(Manifest.FILE_NAME), Json.bytes(manifest));
        return manifest;
    }

    /** Reads an object that {@code manifest} lists, checking size and SHA-256. */
    public byte[] readVerified(Manifest manifest, String name) throws IOException {
        try (InputStream in = openVerified(manifest, name)) {
            return in.readAllBytes();
        }
    }

    /**
     * Streams an object that {@code manifest} lists; reading it to the end throws
     * {@link CorruptObjectException} if its size or SHA-256 differ (memory does not grow with size).
     */
    public InputStream openVerified(Manifest manifest, String name) throws IOException {
        String key = key(name);
        StoredObject expected = manifest.object(key)
                .orElseThrow(() -> new CorruptObjectException(key, "not listed in the manifest of " + prefix));
        try {
            return new VerifyingInputStream(store.open(key), expected);
        } catch (NoSuchFileException e) {
            throw new CorruptObjectException(key, "missing from " + store.describe());
        }
    }
}
