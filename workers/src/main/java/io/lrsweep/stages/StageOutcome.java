package io.lrsweep.stages;

import java.util.Map;

/** What a stage did (computed or found cached) and its small, JSON-able outputs. */
public record StageOutcome(String stage, boolean cached, Map<String, Object> outputs) {
    public String outcome() {
        return cached ? "cached" : "completed";
    }
}
