package io.lrsweep.data;

import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data sets one worker has loaded: generated synthetic sets by key, and image tensors on the
 * device. Stages hold image tensors through a {@link Lease}: tensors in use are never closed, and
 * tensors nobody holds are closed only when other data must be loaded (one study's data stays on
 * the device across its stages, and two studies on one worker do not pull each other's data away).
 */
public final class DataCache implements AutoCloseable {
    private final ImageData images;
    private final Map<SyntheticData.Key, SyntheticData> synthetic = new ConcurrentHashMap<>();
    private final Map<ImageTensors.Key, Held> tensors = new HashMap<>();

    /** Image tensors and how many leases hold them. */
    private static final class Held {
        final ImageTensors tensors;
        int leases;

        Held(ImageTensors tensors) {
            this.tensors = tensors;
        }
    }

    /** The use of one data set's tensors by one stage; closing it gives them back. */
    public final class Lease implements AutoCloseable {
        private final ImageTensors.Key key;
        private final ImageTensors tensors;
        private boolean closed;

        private Lease(ImageTensors.Key key, ImageTensors tensors) {
            this.key = key;
            this.tensors = tensors;
        }

        public ImageTensors tensors() {
            return tensors;
        }

        @Override
        public void close() {
            synchronized (DataCache.this) {
                if (!closed) {
                    closed = true;
                    DataCache.this.tensors.get(key).leases--;
                }
            }
        }
    }

    /** @param images where image data sets are read from */
    public DataCache(ImageData images) {
        this.images = images;
    }

    /** The synthetic data of {@code key}, generated on first use. */
    public SyntheticData synthetic(SyntheticData.Key key) {
        return synthetic.computeIfAbsent(key, SyntheticData::generate);
    }

    /**
     * The tensors of {@code key}, uploaded on first use; tensors that no lease holds are closed
     * first, so at most the data in use plus the new data sit on the device.
     */
    public synchronized Lease lease(ImageTensors.Key key) throws IOException {
        Held held = tensors.get(key);
        if (held == null) {
            closeUnused();
            held = new Held(new ImageTensors(key, images.load(key.dataset(), key.source())));
            tensors.put(key, held);
        }
        held.leases++;
        return new Lease(key, held.tensors);
    }

    /** How many image data sets are on the device now. */
    public synchronized int imageSetsLoaded() {
        return tensors.size();
    }

    private void closeUnused() {
        for (Iterator<Held> it = tensors.values().iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.leases == 0) {
                h.tensors.close();
                it.remove();
            }
        }
    }

    @Override
    public synchronized void close() {
        tensors.values().forEach(h -> h.tensors.close());
        tensors.clear();
        synthetic.clear();
    }
}
