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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
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
    /** What this directory wrote, as the store reported it: commit need not read it back to hash it. */
    private final Map<String, StoredObject> written = new ConcurrentHashMap<>();
    private final BackgroundWrites background;

    /** Told when a background write has stored its object, with the time it took. */
    public interface WriteListener {
        void stored(StoredObject object, long nanos);
    }

    public StageDirectory(ArtifactStore store, String prefix) {
        this.store = store;
        this.prefix = StoreKeys.requireValidKey(prefix);
        this.background = new BackgroundWrites(this::write, prefix);
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
        StoredObject stored = store.put(key(name), data);
        written.put(stored.key(), stored);
        return stored;
    }

    /**
     * Writes while the caller goes on (a stage keeps training while its checkpoints upload): up to
     * {@value BackgroundWrites#MAX_PENDING} writes are held, several upload at once, those of one
     * name in the order asked, and a write still waiting when a newer one of its name comes is
     * dropped (see {@link BackgroundWrites}); this call blocks while the limit is reached.
     * {@link #commit} and {@link #delete} wait for all of them; a failed write makes the next call
     * of either (or of this) throw.
     */
    public void writeInBackground(String name, byte[] data, WriteListener listener) throws IOException {
        key(name);
        background.submit(name, data, listener);
    }

    /** {@link #writeInBackground(String, byte[], WriteListener)} for an object nobody needs to hear about. */
    public void writeInBackground(String name, byte[] data) throws IOException {
        writeInBackground(name, data, (stored, nanos) -> { });
    }

    /** Waits until every background write has finished; throws the first that failed. */
    public void awaitWrites() throws IOException {
        background.await();
    }

    /**
     * Waits for the background writes without throwing: for a stage that fails anyway, so that no
     * write of this attempt lands after the next attempt has started.
     */
    public void settleWrites() {
        try {
            awaitWrites();
        } catch (IOException e) {
            // The stage is failing already; its own error is the one to report.
        }
    }

    /** The object, or empty when there is none: one read (no separate existence check). */
    public Optional<byte[]> readUnverified(String name) throws IOException {
        try (InputStream in = store.open(key(name))) {
            return Optional.of(in.readAllBytes());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    public void delete(String name) throws IOException {
        awaitWrites();
        String key = key(name);
        store.delete(key);
        written.remove(key);
    }

    /**
     * The manifest, if the stage finished; a manifest that cannot be parsed (truncated, altered)
     * counts as absent, so the stage runs again and writes a new one, and is named in the log.
     */
    public Optional<Manifest> manifest() throws IOException {
        Optional<byte[]> data = readUnverified(Manifest.FILE_NAME);
        if (data.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.read(data.get(), Manifest.class));
        } catch (JacksonException e) {
            LOG.warn("{} cannot be read ({}): the stage counts as unfinished and runs again", key(Manifest.FILE_NAME),
                    e.getOriginalMessage());
            return Optional.empty();
        }
    }

    /**
     * {@link #manifest()}, or empty without a request when the store knows there is none (see
     * {@link ArtifactStore#knownAbsent}): for "has this stage finished?" before computing it, where a
     * manifest committed elsewhere since only means the work is done twice ({@link #commit} still
     * reads the store and keeps the first of equal manifests).
     */
    public Optional<Manifest> finishedManifest() throws IOException {
        return knownAbsent(Manifest.FILE_NAME) ? Optional.empty() : manifest();
    }

    /** Whether the store knows without a request that the object {@code name} is absent. */
    public boolean knownAbsent(String name) {
        return store.knownAbsent(key(name));
    }

    /**
     * Waits for the background writes, then writes the manifest that lists the named objects with
     * their sizes and SHA-256; only then is the stage finished. Objects this directory wrote are listed as the store reported them when
     * they were written (hashed while uploading); others (written by an earlier attempt) are read
     * back and hashed as they now are. If another attempt of the same stage (at-least-once
     * delivery) already committed the same objects under the same fingerprint, its manifest is kept.
     */
    public Manifest commit(String stage, String fingerprint, Map<String, Object> inputs, List<String> names,
                           Map<String, Object> metrics, String codeVersion) throws IOException {
        // Asked while the last uploads finish: one round trip less on the way to the manifest.
        Future<Optional<Manifest>> existing = StoreCalls.start(this::manifest);
        awaitWrites();
        List<StoredObject> objects = new ArrayList<>();
        for (String name : names) {
            String key = key(name);
            StoredObject known = written.get(key);
            if (known != null) {
                objects.add(known);
                continue;
            }
            MessageDigest digest = Sha256.newDigest();
            long size;
            try (InputStream in = new DigestInputStream(store.open(key), digest)) {
                size = in.transferTo(OutputStream.nullOutputStream());
            }
            objects.add(new StoredObject(key, size, Sha256.hex(digest)));
        }
        Manifest manifest = new Manifest(Manifest.FORMAT, stage, fingerprint, inputs, objects, metrics,
                codeVersion, Instant.now().toString());
        Optional<Manifest> before = StoreCalls.join(existing);
        if (before.isPresent() && before.get().contentHash(prefix).equals(manifest.contentHash(prefix))) {
            manifest = before.get();
        } else {
            store.put(key(Manifest.FILE_NAME), Json.bytes(manifest));
        }
        index(fingerprint);
        return manifest;
    }

    /** After the manifest, so that the index never names an unfinished stage; the index is only a hint. */
    private void index(String fingerprint) {
        try {
            new FingerprintIndex(store).record(fingerprint, prefix);
        } catch (IOException | StoreKeys.InvalidKeyException e) {
            LOG.warn("{} is committed but not indexed ({}): other studies will compute it again", prefix,
                    e.getMessage());
        }
    }

    /**
     * Makes this directory a copy of the stage that {@code manifest} of {@code source} describes:
     * copies every object it lists, verified against its size and SHA-256 while it streams, then
     * commits them under the same fingerprint (objects first, manifest last). A corrupt or missing
     * source object throws {@link CorruptObjectException}, and no manifest is written here.
     */
    public Manifest commitCopy(StageDirectory source, Manifest manifest) throws IOException {
        List<String> names = new ArrayList<>();
        for (StoredObject o : manifest.objects()) {
            if (!o.key().startsWith(source.prefix + "/")) {
                throw new CorruptObjectException(o.key(), "listed by the manifest of " + source.prefix
                        + " but not in it");
            }
            String name = o.key().substring(source.prefix.length() + 1);
            StoredObject copy = store.put(key(name), () -> source.openVerified(manifest, name));
            // The verifying stream checks at its end; a store that stopped reading early is caught here.
            if (copy.size() != o.size() || !copy.sha256().equals(o.sha256())) {
                throw new CorruptObjectException(o.key(), "copied as " + copy.size() + " bytes with SHA-256 "
                        + copy.sha256() + ", manifest says " + o.size() + " bytes, " + o.sha256());
            }
            written.put(copy.key(), copy);
            names.add(name);
        }
        return commit(manifest.stage(), manifest.fingerprint(), manifest.inputs(), names, manifest.metrics(),
                manifest.codeVersion());
    }

    /**
     * The manifests of several directories, read at once (one request each, all in flight
     * together): what a stage with many upstream stages waits for is one round trip, not one each.
     */
    public static List<Optional<Manifest>> manifests(List<StageDirectory> dirs) throws IOException {
        List<Future<Optional<Manifest>>> started = dirs.stream().map(d -> StoreCalls.start(d::manifest)).toList();
        List<Optional<Manifest>> out = new ArrayList<>();
        for (Future<Optional<Manifest>> f : started) {
            out.add(StoreCalls.join(f));
        }
        return out;
    }

    /** The objects {@code names} of this finished stage, fetched ahead in that order (see {@link ReadAhead}). */
    public ReadAhead readAhead(Manifest manifest, List<String> names, long budgetBytes) {
        return ReadAhead.of(names.stream().map(n -> new ReadAhead.Item(this, manifest, n)).toList(), budgetBytes);
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
