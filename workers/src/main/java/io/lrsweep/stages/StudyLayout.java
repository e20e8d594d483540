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

    public static String report(String studyId) {
        return study(studyId) + "/report";
    }
}
