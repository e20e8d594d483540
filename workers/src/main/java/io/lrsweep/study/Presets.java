package io.lrsweep.study;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The named starting points of a study; a study is a preset plus overrides. */
public final class Presets {
    /** The paper's 23 log-spaced PLRs of the synthetic study. */
    public static final List<Double> SYNTHETIC_PAPER_PLRS = List.of(3.16e-5, 5.62e-5, 1e-4, 1.78e-4, 3.16e-4, 5.62e-4,
            1e-3, 1.78e-3, 3.16e-3, 5.62e-3, 7.5e-3, 1e-2, 1.33e-2, 1.78e-2, 2.37e-2, 3.16e-2, 4.22e-2, 5.62e-2, 0.1,
            0.178, 0.316, 0.562, 1.0);
    private static final List<Double> SYNTHETIC_FLRS = List.of(3.16e-5, 1e-4, 7.5e-3);
    private static final List<Integer> SYNTHETIC_KS = List.of(2, 5, 10, 20, 50);

    private static final Map<String, StudyConfig> PRESETS = new LinkedHashMap<>();

    static {
        // The paper's protocol, iteration counts included (a branch takes ~4 s of one core): 12 PLRs
        // of the paper's grid, dense around the convergence threshold, spanning regimes 1, 2 and 3,
        // and 10 seeds, each with its own data set. With 5 seeds the seed-to-seed spread (±2 points)
        // was as large as the FT/SWA gain near the threshold.
        PRESETS.put("synthetic-quick", synthetic("synthetic-quick",
                List.of(1e-4, 1e-3, 3.16e-3, 5.62e-3, 7.5e-3, 1e-2, 1.33e-2, 1.78e-2, 2.37e-2, 4.22e-2, 0.1, 1.0),
                10, 10));
        PRESETS.put("synthetic-paper", synthetic("synthetic-paper", SYNTHETIC_PAPER_PLRS, 50, 5));
    }

    private Presets() {
    }

    private static StudyConfig synthetic(String name, List<Double> plrs, int seeds, int dataSeeds) {
        return new StudyConfig(null, name, StudyConfig.SETUP_SYNTHETIC, plrs, seeds, dataSeeds, 40_000, 20_000,
                SYNTHETIC_FLRS, SYNTHETIC_KS, 16, 100, 512, 2000, 1000, 3.16e-5, 7.5e-3, 5, 1e-4,
                0.01, 0.02, 0.01);
    }

    public static Optional<StudyConfig> find(String name) {
        return Optional.ofNullable(PRESETS.get(name));
    }

    public static List<String> names() {
        return List.copyOf(PRESETS.keySet());
    }
}
