package io.lrsweep.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;

/** Facts read from the task definitions that ship in the jar ({@code workflows/tasks.json}). */
final class TaskDefinitions {
    private TaskDefinitions() {
    }

    /** The shortest response timeout of any lrsweep task type. */
    static Duration shortestResponseTimeout() {
        try (InputStream in = TaskDefinitions.class.getResourceAsStream("/workflows/tasks.json")) {
            if (in == null) {
                throw new IllegalStateException("workflows/tasks.json is missing from the jar");
            }
            long shortest = Long.MAX_VALUE;
            for (JsonNode def : new ObjectMapper().readTree(in)) {
                shortest = Math.min(shortest, def.path("responseTimeoutSeconds").asLong(Long.MAX_VALUE));
            }
            return Duration.ofSeconds(shortest);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
