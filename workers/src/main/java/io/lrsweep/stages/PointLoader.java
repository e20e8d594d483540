package io.lrsweep.stages;

import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.StageDirectory;
import java.io.IOException;

/** Reads finished stages' objects, through their manifests and verified checksums. */
final class PointLoader {
    private PointLoader() {
    }

    /** A finished stage: its directory and manifest. */
    record Finished(StageDirectory dir, Manifest manifest) {
        /** What downstream fingerprints record of this stage. */
        String contentHash() {
            return manifest.contentHash(dir.prefix());
        }

        /** The object {@code name} of the stage, verified against the manifest. */
        byte[] read(String name) throws IOException {
            return dir.readVerified(manifest, name);
        }
    }

    /** The finished stage under {@code prefix}; an upstream stage that has not finished is an error. */
    static Finished finished(ArtifactStore store, String prefix, String what) throws IOException {
        StageDirectory dir = new StageDirectory(store, prefix);
        Manifest m = dir.manifest().orElseThrow(() -> new UpstreamMissingException(what + " has not finished: no "
                + Manifest.FILE_NAME + " under " + prefix));
        return new Finished(dir, m);
    }

    /** An upstream stage has no manifest (not finished, or its manifest was lost). */
    static final class UpstreamMissingException extends IOException {
        UpstreamMissingException(String message) {
            super(message);
        }
    }
}
