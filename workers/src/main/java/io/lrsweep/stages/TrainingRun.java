package io.lrsweep.stages;

/** Which training run a stage is doing: pre-training ({@code flr} null) or fine-tuning of one branch. */
public record TrainingRun(String studyId, String stage, double plr, Double flr, int seed) {
}
