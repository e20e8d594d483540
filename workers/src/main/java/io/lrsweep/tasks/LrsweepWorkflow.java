package io.lrsweep.tasks;

/** lrsweep's Conductor workflows and the resource files that define them. */
public enum LrsweepWorkflow {
    /** One study: plan, a dynamic fork of branches, report. */
    STUDY("lrsweep_study"),
    /** One (PLR, seed) branch: pre-train, fine-tune and average in a dynamic fork, analyze. */
    BRANCH("lrsweep_branch"),
    /** A group of branches (see {@code StudyForks}): a dynamic fork of at most 50 branch sub-workflows. */
    BRANCH_GROUP("lrsweep_branches");

    /** Version of every lrsweep workflow definition. */
    public static final int VERSION = 1;
    private final String workflowName;

    LrsweepWorkflow(String workflowName) {
        this.workflowName = workflowName;
    }

    public String workflowName() {
        return workflowName;
    }

    /** The definition's resource file in the workflows module. */
    public String resource() {
        return "/workflows/" + workflowName + ".json";
    }
}
