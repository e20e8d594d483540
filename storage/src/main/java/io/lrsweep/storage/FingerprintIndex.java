package io.lrsweep.storage;

import com.fasterxml.jackson.core.JacksonException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Which stage directory last committed a manifest with a given fingerprint, kept under {@code index/fingerprints/}. */
public final class FingerprintIndex {
    private static final Logger LOG = LoggerFactory.getLogger(FingerprintIndex.class);
    static final String PREFIX = "index/fingerprints/";
    private final ArtifactStore store;

    /** The small document an entry holds: the prefix of the stage directory. */
    record Entry(String prefix) {
    }

    public FingerprintIndex(ArtifactStore store) {
        this.store = store;
    }

    /** Records that the directory {@code prefix} holds a committed manifest with {@code fingerprint}. */
    public void record(String fingerprint, String prefix) throws IOException {
        store.putHint(key(fingerprint), Json.bytes(new Entry(StoreKeys.requireValidKey(prefix))));
    }

    /**
     * The directory last recorded for {@code fingerprint}, if any. Only a hint: the caller checks that
     * directory's manifest, since the entry may be stale (the directory deleted, or recomputed since).
     */
    public Optional<String> lookup(String fingerprint) throws IOException {
        String key = key(fingerprint);
        byte[] data;
        try {
            data = store.get(key);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(StoreKeys.requireValidKey(Json.read(data, Entry.class).prefix()));
        } catch (JacksonException | StoreKeys.InvalidKeyException e) {
            LOG.debug("{} cannot be read ({}): ignored", key, e.getMessage());
            return Optional.empty();
        }
    }

    private static String key(String fingerprint) {
        return PREFIX + StoreKeys.requireValidName(fingerprint);
    }
}
