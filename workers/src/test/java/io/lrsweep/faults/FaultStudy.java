package io.lrsweep.faults;

import io.lrsweep.TinyStudy;
import java.util.List;
import java.util.Map;

/**
 * The study every fault scenario runs: two PLRs, one seed, a pre-training long enough (300,000
 * iterations, a few seconds) to be hit while it runs, short fine-tuning, two SWA windows.
 */
final class FaultStudy {
    static final List<Double> PLRS = List.of(1e-3, 3.16e-2);
    /** TinyStudy's fine-tuning rates, a low one and a high one. */
    static final double LOW_FLR = 3.16e-5;
    static final double HIGH_FLR = 7.5e-3;
    static final List<Double> FLRS = List.of(LOW_FLR, HIGH_FLR);
    // 60,000 (under a second at ~15 µs a step) was once over before a SIGTERM sent after the first
    // resume checkpoint and a second worker's start could reach it.
    static final int PRETRAIN_ITERATIONS = 300_000;
    /** Resume checkpoints come every 200 checkpoints (SyntheticSetup), i.e. every 20,000 iterations. */
    static final int RESUME_EVERY = 20_000;

    private FaultStudy() {
    }

    static Map<String, Object> input(String studyId) {
        // No baselines: the clean reference runs the sweep's stages only.
        return TinyStudy.input(studyId, Map.of("plrs", PLRS, "pretrainIterations", PRETRAIN_ITERATIONS,
                "flrs", FLRS, "finetuneIterations", 2000, "checkpointEvery", 100, "convergenceBudget", 0, "twoStage", false));
    }
}
