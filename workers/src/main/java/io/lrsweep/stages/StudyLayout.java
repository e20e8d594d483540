package io.lrsweep.stages;

import io.lrsweep.storage.StoreKeys;
import io.lrsweep.study.RateLabel;

/** Object keys of a study in the artifact store (see docs/architecture.md, "Storage layout"). */
public final class StudyLayout {
    /** The per-epoch training curves of a training stage. */
    public static final String CURVE = "curve.json";

    private StudyLayout() {
    }

    public static String study(String studyId) {
        return "studies/" + StoreKeys.requireValidName(studyId);
    }

    public static String studyJson(String studyId) {
        return study(studyId) + "/study.json";
    }

    public static String branch(String studyId, double plr, int seed) {
        return study(studyId) + "/branches/plr=" + RateLabel.of(plr) + "/seed=" + seed;
    }

    public static String pretrain(String studyId, double plr, int seed) {
        return branch(studyId, plr, seed) + "/pretrain";
    }

    public static String finetune(String studyId, double plr, int seed, double flr) {
        return branch(studyId, plr, seed) + "/finetune/flr=" + RateLabel.of(flr);
    }

    public static String average(String studyId, double plr, int seed, int k) {
        return branch(studyId, plr, seed) + "/average/k=" + k;
    }

    public static String analyze(String studyId, double plr, int seed) {
        return branch(studyId, plr, seed) + "/analyze";
    }

    /** The baselines of a study: their plan, runs trained to convergence, two-stage runs. */
    public static String baselines(String studyId) {
        return study(studyId) + "/baselines";
    }

    public static String baselinePlan(String studyId) {
        return baselines(studyId) + "/plan";
    }

    public static String converge(String studyId, double plr, int seed) {
        return baselines(studyId) + "/converge/plr=" + RateLabel.of(plr) + "/seed=" + seed;
    }

    /** Two-stage pre-training of one seed; {@code part} is "second" (the second PLR) or "finetune". */
    public static String twoStage(String studyId, int seed, String part) {
        return baselines(studyId) + "/two-stage/seed=" + seed + "/" + part;
    }

    /** One round of adaptive refinement (rounds count from 1; the coarse grid is round 0). */
    public static String refineRound(String studyId, int round) {
        return study(studyId) + "/refine/round=" + round;
    }

    public static String report(String studyId) {
        return study(studyId) + "/report";
    }
}
