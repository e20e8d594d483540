package io.lrsweep.study;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * The baselines a study runs after its sweep (study-spec §6): training to convergence at the PLRs
 * around the convergence threshold, and two-stage pre-training (a 2B PLR, then a 2A PLR, then
 * fine-tuning), each per seed. Empty when the study asks for neither or its regimes give no PLRs.
 */
public record BaselinePlan(List<ConvergeRun> converge, TwoStage twoStage, int seeds) {
    public BaselinePlan {
        converge = List.copyOf(converge);
    }

    /** One run trained to convergence: a branch of the sweep, continued. */
    public record ConvergeRun(double plr, int seed) {
    }

    /** Two-stage pre-training: {@code plrFirst} (2B) for a pre-training budget, then {@code plrSecond} (2A). */
    public record TwoStage(double plrFirst, double plrSecond) {
    }

    public static BaselinePlan none(int seeds) {
        return new BaselinePlan(List.of(), null, seeds);
    }

    @JsonIgnore
    public boolean isEmpty() {
        return converge.isEmpty() && twoStage == null;
    }
}
