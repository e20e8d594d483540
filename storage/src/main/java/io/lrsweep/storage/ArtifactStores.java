package io.lrsweep.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/** Opens the artifact store that a URI names. */
public final class ArtifactStores {
    private ArtifactStores() {
    }

    /**
     * {@code file:///abs/dir} or a plain directory path → local filesystem store. S3 stores
     * ({@code s3://bucket/prefix}) are not part of this build yet.
     */
    public static ArtifactStore open(String location) throws IOException {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("store location is empty");
        }
        if (location.startsWith("s3://")) {
            throw new IllegalArgumentException("store " + location + ": S3 stores are not supported by this build yet;"
                    + " use file:///path or a directory");
        }
        if (location.startsWith("file:")) {
            return new FileSystemArtifactStore(Path.of(URI.create(location)));
        }
        if (location.contains("://")) {
            throw new IllegalArgumentException("store " + location + ": unknown scheme; use file:///path or a directory");
        }
        return new FileSystemArtifactStore(Path.of(location));
    }
}
