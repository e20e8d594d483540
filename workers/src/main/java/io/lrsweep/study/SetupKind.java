package io.lrsweep.study;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The setups a study can have: the synthetic feature-sparsity study, or image models on DJL. */
public enum SetupKind {
    // A synthetic branch computes for ~2.5 s in all (a fine-tuning run a quarter of a second),
    // while each Conductor task costs the server ~55 ms of CPU plus polls and updates, and a branch
    // sub-workflow with its fork and join several times that (measured), so a synthetic branch is
    // one task; an image run takes GPU-hours, so each is a task of its own that any worker can take.
    SYNTHETIC("synthetic", true),
    IMAGE("image", false);

    private final String id;
    private final boolean branchInOneTask;

    SetupKind(String id, boolean branchInOneTask) {
        this.id = id;
        this.branchInOneTask = branchInOneTask;
    }

    /**
     * Whether a branch runs as one task (its stages in turn, each stored on its own) rather than
     * as a sub-workflow of a task per stage, with a task per fine-tuning run.
     */
    public boolean branchInOneTask() {
        return branchInOneTask;
    }

    /** The FLRs of a branch grouped by fine-tuning task: all in one group, or one group each. */
    public List<List<Double>> finetuneTasks(List<Double> flrs) {
        return branchInOneTask ? List.of(List.copyOf(flrs)) : flrs.stream().map(List::of).toList();
    }

    /** The name studies use ({@code setup} field). */
    public String id() {
        return id;
    }

    public static Optional<SetupKind> named(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(SetupKind::id).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
