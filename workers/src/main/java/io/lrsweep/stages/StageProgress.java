package io.lrsweep.stages;

/** Where a stage reports human-readable progress lines (task logs, the console). */
@FunctionalInterface
public interface StageProgress {
    void log(String line);

    StageProgress NONE = line -> {
    };
}
