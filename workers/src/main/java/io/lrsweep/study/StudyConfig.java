package io.lrsweep.study;

import java.util.List;

/**
 * One fully resolved study: a preset with its overrides applied and validated. Learning rates are
 * effective learning rates on the sphere. Written once to {@code studies/<id>/study.json}; every
 * stage reads its hyper-parameters from there.
 */
public record StudyConfig(
        String studyId,
        String preset,
        String setup,
        List<Double> plrs,
        int seeds,
        int dataSeeds,
        long pretrainIterations,
        long finetuneIterations,
        List<Double> flrs,
        List<Integer> swaKs,
        int batchSize,
        int checkpointEvery,
        int trainSize,
        int testSize,
        int singleFeatureSize,
        double geometryFlrLow,
        double geometryFlrHigh,
        int geometryK,
        double featureFlr,
        double convergenceLoss,
        double divergenceMargin,
        double barrierLimit) {

    public static final String SETUP_SYNTHETIC = "synthetic";

    public StudyConfig {
        plrs = plrs == null ? null : List.copyOf(plrs);
        flrs = flrs == null ? null : List.copyOf(flrs);
        swaKs = swaKs == null ? null : List.copyOf(swaKs);
    }

    public StudyConfig withStudyId(String id) {
        return new StudyConfig(id, preset, setup, plrs, seeds, dataSeeds, pretrainIterations, finetuneIterations,
                flrs, swaKs, batchSize, checkpointEvery, trainSize, testSize, singleFeatureSize, geometryFlrLow,
                geometryFlrHigh, geometryK, featureFlr, convergenceLoss, divergenceMargin, barrierLimit);
    }

    /** The largest SWA window, in checkpoints. */
    public int maxK() {
        return swaKs.stream().mapToInt(Integer::intValue).max().orElse(1);
    }

    /** Data seed of a branch seed: training seeds cycle over the data seeds (50 = 5 × 10 in the paper). */
    public int dataSeedOf(int seed) {
        return seed % dataSeeds;
    }
}
