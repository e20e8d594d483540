package io.lrsweep.stages;

import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.CorruptObjectException;
import java.io.IOException;

/**
 * Reads an object of a finished upstream stage; if the object is corrupt or missing, runs the
 * upstream stage again (stages are deterministic, so it writes the same bytes) and reads once more.
 * A second failure is reported as it is.
 */
final class UpstreamRepair {
    private UpstreamRepair() {
    }

    /** A read from a finished stage. */
    @FunctionalInterface
    interface Read<T> {
        T from(PointLoader.Finished stage) throws IOException;
    }

    /** Recomputes the upstream stage. */
    @FunctionalInterface
    interface Recompute {
        void run() throws IOException;
    }

    static <T> T read(ArtifactStore store, String prefix, String what, Read<T> read, Recompute recompute,
                      StageProgress progress) throws IOException {
        return read(store, PointLoader.finished(store, prefix, what), what, read, recompute, progress);
    }

    /**
     * The same for a stage whose manifest the caller has read already (for its fingerprint): read
     * once per stage, and again only after a recomputation has replaced it.
     */
    static <T> T read(ArtifactStore store, PointLoader.Finished stage, String what, Read<T> read, Recompute recompute,
                      StageProgress progress) throws IOException {
        try {
            return read.from(stage);
        } catch (CorruptObjectException e) {
            progress.log(e.getMessage() + "; recomputing " + what);
            recompute.run();
            return read.from(PointLoader.finished(store, stage.dir().prefix(), what));
        }
    }
}
