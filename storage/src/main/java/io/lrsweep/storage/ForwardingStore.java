package io.lrsweep.storage;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A store that passes every call to another: a subclass overrides the calls it serves or watches. */
public abstract class ForwardingStore implements ArtifactStore {
    private final ArtifactStore inner;

    protected ForwardingStore(ArtifactStore inner) {
        this.inner = inner;
    }

    @Override
    public StoredObject put(String key, Payload data) throws IOException {
        return inner.put(key, data);
    }

    @Override
    public InputStream open(String key) throws IOException {
        return inner.open(key);
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        return inner.size(key);
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        return inner.list(prefix);
    }

    @Override
    public List<String> children(String prefix) throws IOException {
        return inner.children(prefix);
    }

    @Override
    public Optional<Instant> modified(String key) throws IOException {
        return inner.modified(key);
    }

    @Override
    public void delete(String key) throws IOException {
        inner.delete(key);
    }

    @Override
    public boolean knownAbsent(String key) {
        return inner.knownAbsent(key);
    }

    @Override
    public String describe() {
        return inner.describe();
    }
}
