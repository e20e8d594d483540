package io.lrsweep.storage;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record that a stage finished: written last, it lists every object of the stage with size
 * and SHA-256, the fingerprint of the stage's inputs, and summary metrics. Readers trust only
 * objects that a manifest lists.
 */
public record Manifest(int format, String stage, String fingerprint, Map<String, Object> inputs,
                       List<StoredObject> objects, Map<String, Object> metrics, String codeVersion,
                       String completedAt) {
    public static final int FORMAT = 1;
    public static final String FILE_NAME = "MANIFEST.json";

    public Manifest {
        // Metric values may be null (a threshold that was not detected), so no Map.copyOf here.
        inputs = Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        objects = List.copyOf(objects);
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * What the stage produced: its fingerprint and every object's name (its key relative to the
     * stage directory {@code prefix}), size and SHA-256, without the completion time. Two runs of the
     * same deterministic stage have the same content hash, in any study, so downstream stages put
     * this (not the manifest's bytes) into their fingerprints.
     */
    public String contentHash(String prefix) {
        String dir = prefix + "/";
        List<StoredObject> named = objects.stream().map(o -> new StoredObject(
                o.key().startsWith(dir) ? o.key().substring(dir.length()) : o.key(), o.size(), o.sha256())).toList();
        return Fingerprint.of(Map.of("fingerprint", fingerprint, "objects", named));
    }

    /** The entry for an object of this stage by its key. */
    public Optional<StoredObject> object(String key) {
        return objects.stream().filter(o -> o.key().equals(key)).findFirst();
    }
}
