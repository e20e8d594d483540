package io.lrsweep.setup;

import io.lrsweep.study.StudyConfig;

/** The catalogue of setups: the one place that maps a study's setup to its implementation. */
public final class Setups {
    private Setups() {
    }

    /** The setup of study {@code c}, computing in {@code compute}. */
    public static Setup<?> of(StudyConfig c, ComputeContext compute) {
        return switch (c.kind()) {
            case SYNTHETIC -> new SyntheticSetup(c, compute);
            case IMAGE -> new ImageSetup(c, compute);
        };
    }
}
