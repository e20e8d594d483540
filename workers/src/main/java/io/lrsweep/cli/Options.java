package io.lrsweep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.ArtifactStores;
import io.lrsweep.storage.S3Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by several commands; each also reads an environment variable. */
final class Options {
    private Options() {
    }

    /** Where the Conductor server is. */
    static final class Conductor {
        @Option(names = "--conductor", paramLabel = "URL",
                description = "Conductor server URL (env LRSWEEP_CONDUCTOR_URL; default ${DEFAULT-VALUE})",
                defaultValue = "${env:LRSWEEP_CONDUCTOR_URL:-http://127.0.0.1:8080}")
        String url;
    }

    /** Where the artifacts go. */
    static final class Store {
        @Option(names = "--store", paramLabel = "URI",
                description = "artifact store: s3://bucket/prefix, a directory or file:///path (env LRSWEEP_STORE;"
                        + " default <home>/store, home = $LRSWEEP_HOME or .lrsweep)",
                defaultValue = "${env:LRSWEEP_STORE:-}")
        String uri;

        @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3 endpoint (env LRSWEEP_S3_ENDPOINT)")
        String s3Endpoint;

        @Option(names = "--s3-region", description = "S3 region (env LRSWEEP_S3_REGION, AWS_REGION; default us-east-1)")
        String s3Region;

        @Option(names = "--s3-path-style", arity = "1", paramLabel = "true|false",
                description = "path-style bucket addressing (env LRSWEEP_S3_PATH_STYLE; default true except on AWS)")
        Boolean s3PathStyle;

        @Option(names = "--s3-create-bucket", description = "create the bucket if missing (env LRSWEEP_S3_CREATE_BUCKET)")
        boolean s3CreateBucket;

        /** Opens the store; S3 credentials come from the environment only (a flag would show in ps and shell history). */
        ArtifactStore open() throws IOException {
            java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
            if (s3Endpoint != null) {
                env.put(S3Settings.ENDPOINT, s3Endpoint);
            }
            if (s3Region != null) {
                env.put(S3Settings.REGION, s3Region);
            }
            if (s3PathStyle != null) {
                env.put(S3Settings.PATH_STYLE, s3PathStyle.toString());
            }
            if (s3CreateBucket) {
                env.put(S3Settings.CREATE_BUCKET, "true");
            }
            return ArtifactStores.open(uri == null || uri.isBlank() ? home().resolve("store").toString() : uri, env);
        }
    }

    /** The local state directory (Conductor data, default store). */
    static Path home() {
        String h = System.getenv("LRSWEEP_HOME");
        return Path.of(h == null || h.isBlank() ? ".lrsweep" : h);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code key=value} pairs; values are JSON where they parse as JSON ({@code plrs=[1e-3,1e-2]}), else strings. */
    static Map<String, Object> overrides(List<String> sets) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (sets == null) {
            return out;
        }
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set " + s + ": expected key=value");
            }
            String key = s.substring(0, eq).trim();
            String raw = s.substring(eq + 1).trim();
            Object value;
            try {
                value = JSON.readValue(raw, Object.class);
            } catch (IOException e) {
                value = raw;
            }
            out.put(key, value);
        }
        return out;
    }
}
