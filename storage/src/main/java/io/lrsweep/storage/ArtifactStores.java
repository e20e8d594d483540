package io.lrsweep.storage;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** Opens the artifact store that a URI names. */
public final class ArtifactStores {
    private ArtifactStores() {
    }

    /**
     * {@code file:///abs/dir} or a plain directory path → local filesystem store;
     * {@code s3://bucket/prefix} → S3 store configured from the process environment (see {@link S3Settings}).
     */
    public static ArtifactStore open(String location) throws IOException {
        return open(location, System.getenv());
    }

    /** As {@link #open(String)}, with S3 settings and credentials taken from {@code env}. */
    public static ArtifactStore open(String location, Map<String, String> env) throws IOException {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("store location is empty");
        }
        if (location.startsWith("s3://")) {
            return new S3ArtifactStore(S3Settings.of(location, env)).ensureBucket();
        }
        if (location.startsWith("file:")) {
            return new FileSystemArtifactStore(Path.of(URI.create(location)));
        }
        if (location.contains("://")) {
            throw new IllegalArgumentException("store " + location + ": unknown scheme; use s3://bucket/prefix, file:///path or a directory");
        }
        return new FileSystemArtifactStore(Path.of(location));
    }
}
