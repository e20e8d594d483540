package io.lrsweep.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store for one task that sends hints ({@link ArtifactStore#putHint}: the fingerprint index's
 * entries) while the task goes on, instead of making each stage wait for one more round trip after
 * its manifest; {@link #awaitHints} waits for them when the task ends, so a later task finds them.
 * It must be the outermost store of the task: a store around it would write hints at once.
 */
public final class BackgroundHints extends ForwardingStore {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundHints.class);

    private record Sent(String key, Future<StoredObject> write) {
    }

    private final List<Sent> sent = new ArrayList<>();

    public BackgroundHints(ArtifactStore inner) {
        super(inner);
    }

    @Override
    public void putHint(String key, byte[] data) {
        Future<StoredObject> write = StoreCalls.start(() -> put(key, data));
        synchronized (sent) {
            sent.add(new Sent(key, write));
        }
    }

    /**
     * Waits for every hint sent so far. One that failed is logged, not thrown: its stage is committed,
     * and a missing index entry only means that another study computes that stage again.
     */
    public void awaitHints() {
        List<Sent> all;
        synchronized (sent) {
            all = new ArrayList<>(sent);
            sent.clear();
        }
        for (Sent s : all) {
            try {
                StoreCalls.join(s.write());
            } catch (IOException | RuntimeException e) {
                LOG.warn("{} was not written ({}): other studies will compute its stage again", s.key(),
                        e.getMessage());
            }
        }
    }
}
