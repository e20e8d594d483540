package io.lrsweep.study;

/** One (PLR, seed) branch of a study, checked against the study's grid. */
public record Branch(StudyConfig config, double plr, int seed) {
    public Branch {
        if (!config.plrs().contains(plr)) {
            throw new InvalidStudyException("plr", plr + " is not in the study's plrs " + config.plrs());
        }
        if (seed < 0 || seed >= config.seeds()) {
            throw new InvalidStudyException("seed", seed + " is outside [0, " + config.seeds() + ")");
        }
    }

    public String studyId() {
        return config.studyId();
    }

    public int dataSeed() {
        return config.dataSeedOf(seed);
    }

    public void requireFlr(double flr) {
        if (!config.flrs().contains(flr)) {
            throw new InvalidStudyException("flr", flr + " is not in the study's flrs " + config.flrs());
        }
    }

    public void requireK(int k) {
        if (!config.swaKs().contains(k)) {
            throw new InvalidStudyException("k", k + " is not in the study's swaKs " + config.swaKs());
        }
    }
}
