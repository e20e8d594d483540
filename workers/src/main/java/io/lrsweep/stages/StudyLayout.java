package io.lrsweep.stages;

import io.lrsweep.storage.StoreKeys;

/** Object keys of a study in the artifact store (see architecture.md, "Storage layout"). */
public final class StudyLayout {
    private StudyLayout() {
    }

    public static String study(String studyId) {
        return "studies/" + StoreKeys.requireValidName(studyId);
    }

    public static String studyJson(String studyId) {
        return study(studyId) + "/study.json";
    }

    public static String branch(String studyId, double plr, int seed) {
        return study(studyId) + "/branches/plr=" + rate(plr) + "/seed=" + seed;
    }

    public static String pretrain(String studyId, double plr, int seed) {
        return branch(studyId, plr, seed) + "/pretrain";
    }

    public static String finetune(String studyId, double plr, int seed, double flr) {
        return branch(studyId, plr, seed) + "/finetune/flr=" + rate(flr);
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

    /** A learning rate as it appears in keys: Java's shortest exact decimal, lower-case exponent. */
    public static String rate(double value) {
        return Double.toString(value).toLowerCase(java.util.Locale.ROOT);
    }

    public static String windowCheckpoint(long iteration) {
        return String.format("iter-%09d.ckpt", iteration);
    }
}
