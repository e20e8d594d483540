package io.lrsweep.stages;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a stage did (computed or found cached) and its small, JSON-able outputs. */
public record StageOutcome(String stage, boolean cached, Map<String, Object> outputs) {
    /** A stage's run for one item of a task's list (an FLR, a K). */
    @FunctionalInterface
    interface RunOf<T> {
        StageOutcome run(T item) throws IOException;
    }

    /** Runs {@code run} for each of {@code items} in turn, each committed as it ends; see {@link #combined}. */
    static <T> StageOutcome ofEach(String stage, List<T> items, RunOf<T> run) throws IOException {
        List<StageOutcome> runs = new ArrayList<>();
        for (T item : items) {
            runs.add(run.run(item));
        }
        return combined(stage, runs);
    }

    /**
     * One task's outcome over several runs of {@code stage}: a single run's as it is; several as
     * {@code runs} in order, cached only when every run was.
     */
    public static StageOutcome combined(String stage, List<StageOutcome> runs) {
        if (runs.size() == 1) {
            return runs.get(0);
        }
        boolean cached = runs.stream().allMatch(StageOutcome::cached);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stage", stage);
        out.put("outcome", cached ? "cached" : "completed");
        out.put("runs", runs.stream().map(StageOutcome::outputs).toList());
        return new StageOutcome(stage, cached, out);
    }

    public String outcome() {
        return cached ? "cached" : "completed";
    }
}
