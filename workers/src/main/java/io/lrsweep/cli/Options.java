package io.lrsweep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.ArtifactStores;
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
                description = "artifact store: a directory or file:///path (env LRSWEEP_STORE; default <home>/store,"
                        + " home = $LRSWEEP_HOME or .lrsweep)",
                defaultValue = "${env:LRSWEEP_STORE:-}")
        String uri;

        ArtifactStore open() throws IOException {
            return ArtifactStores.open(uri == null || uri.isBlank() ? home().resolve("store").toString() : uri);
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
