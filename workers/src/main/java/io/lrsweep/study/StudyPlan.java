package io.lrsweep.study;

import java.util.ArrayList;
import java.util.List;

/**
 * What a study runs: one branch per (PLR, seed), and in each branch one fine-tuning per FLR and
 * one averaging per K, laid out in tasks as its setup kind says. {@code force} recomputes stages
 * that have finished.
 */
public record StudyPlan(String studyId, SetupKind kind, boolean force, List<BranchPlan> branches) {
    public StudyPlan {
        branches = List.copyOf(branches);
    }

    /** One branch: its PLR and seed, the FLRs it fine-tunes with and the Ks it averages over. */
    public record BranchPlan(double plr, int seed, List<Double> flrs, List<Integer> swaKs) {
        public BranchPlan {
            flrs = List.copyOf(flrs);
            swaKs = List.copyOf(swaKs);
        }
    }

    /** Every branch of {@code c}, PLR by PLR, seeds in order. */
    public static StudyPlan of(StudyConfig c, boolean force) {
        return of(c, c.plrs(), force);
    }

    /** The branches of {@code plrs} (PLRs of {@code c}, e.g. those of one round of refinement), seeds in order. */
    public static StudyPlan of(StudyConfig c, List<Double> plrs, boolean force) {
        List<BranchPlan> branches = new ArrayList<>();
        for (double plr : plrs) {
            for (int seed = 0; seed < c.seeds(); seed++) {
                branches.add(new BranchPlan(plr, seed, c.flrs(), c.swaKs()));
            }
        }
        return new StudyPlan(c.studyId(), c.kind(), force, branches);
    }
}
