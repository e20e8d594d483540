package io.lrsweep.tasks;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The catalogue of lrsweep's Conductor task types: the task name, the stage it runs, and whether
 * it is compute-bound (it then waits for one of the worker's compute slots and polls with as many
 * threads as there are slots) or light (one thread, no slot).
 */
public enum TaskType {
    PLAN("plan", false),
    PRETRAIN("pretrain", true),
    FINETUNE("finetune", true),
    AVERAGE("average", true),
    ANALYZE("analyze", true),
    REFINE("refine", false),
    BASELINES("baselines", false),
    CONVERGE("converge", true),
    TWO_STAGE("two_stage", true),
    REPORT("report", false),
    /**
     * A whole branch in one task: pre-training, its fine-tuning, averaging and analysis in turn,
     * each stored and counted as its own stage (see {@code SetupKind#branchInOneTask}).
     */
    WHOLE_BRANCH("whole_branch", true);

    private static final String PREFIX = "lrsweep_";
    private final String stage;
    private final boolean computeBound;

    TaskType(String stage, boolean computeBound) {
        this.stage = stage;
        this.computeBound = computeBound;
    }

    /** The stages a {@link #WHOLE_BRANCH} task runs, in order. */
    static final List<TaskType> BRANCH_STAGES = List.of(PRETRAIN, FINETUNE, AVERAGE, ANALYZE);

    /** The task definition's name, e.g. {@code lrsweep_pretrain}. */
    public String taskName() {
        return PREFIX + stage;
    }

    /** The stage it runs, e.g. {@code pretrain} (metric labels, progress lines). */
    public String stage() {
        return stage;
    }

    public boolean computeBound() {
        return computeBound;
    }

    /** The task type of a task definition name, if it is one of lrsweep's. */
    public static Optional<TaskType> ofTaskName(String name) {
        return Arrays.stream(values()).filter(t -> t.taskName().equals(name)).findFirst();
    }
}
