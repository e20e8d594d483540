package io.lrsweep.stages;

import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.ReadAhead;
import io.lrsweep.storage.StageDirectory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads finished stages' objects, through their manifests and verified checksums. */
final class PointLoader {
    /**
     * How many bytes of points a stage fetches ahead of the one it works on: eight synthetic
     * checkpoints (17 KB each), one or two image ones (each stays in memory until it is taken).
     */
    static final long READ_AHEAD_BYTES = 64L << 20;

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

        /** The object {@code name} as an item to fetch ahead. */
        ReadAhead.Item item(String name) {
            return new ReadAhead.Item(dir, manifest, name);
        }

        /** The objects {@code names}, fetched ahead in that order. */
        ReadAhead readAhead(List<String> names) {
            return dir.readAhead(manifest, names, READ_AHEAD_BYTES);
        }
    }

    /** The finished stage under {@code prefix}; an upstream stage that has not finished is an error. */
    static Finished finished(ArtifactStore store, String prefix, String what) throws IOException {
        StageDirectory dir = new StageDirectory(store, prefix);
        Manifest m = dir.manifest().orElseThrow(() -> new UpstreamMissingException(what + " has not finished: no "
                + Manifest.FILE_NAME + " under " + prefix));
        return new Finished(dir, m);
    }

    /** A finished stage to read: its directory and what an error calls it. */
    record Wanted(String prefix, String what) {
    }

    /** The finished stages {@code wanted}, in that order, their manifests read at once. */
    static List<Finished> finished(ArtifactStore store, List<Wanted> wanted) throws IOException {
        List<StageDirectory> dirs = wanted.stream().map(w -> new StageDirectory(store, w.prefix())).toList();
        List<Optional<Manifest>> manifests = StageDirectory.manifests(dirs);
        List<Finished> out = new ArrayList<>();
        for (int i = 0; i < dirs.size(); i++) {
            Wanted w = wanted.get(i);
            Manifest m = manifests.get(i).orElseThrow(() -> new UpstreamMissingException(w.what()
                    + " has not finished: no " + Manifest.FILE_NAME + " under " + w.prefix()));
            out.add(new Finished(dirs.get(i), m));
        }
        return out;
    }

    /** An upstream stage has no manifest (not finished, or its manifest was lost). */
    static final class UpstreamMissingException extends IOException {
        UpstreamMissingException(String message) {
            super(message);
        }
    }
}
