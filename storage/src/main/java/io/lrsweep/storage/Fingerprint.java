package io.lrsweep.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The SHA-256 of a stage's inputs in canonical JSON (sorted keys, no whitespace). */
public final class Fingerprint {
    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private Fingerprint() {
    }

    public static String of(Map<String, ?> inputs) {
        try {
            // Round-trip through a tree so nested maps and records are ordered the same way.
            Object tree = CANONICAL.readValue(CANONICAL.writeValueAsBytes(inputs), Object.class);
            return Sha256.hex(CANONICAL.writeValueAsString(tree).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("stage inputs are not serialisable: " + e.getMessage(), e);
        }
    }
}
