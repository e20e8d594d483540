package io.lrsweep.study;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.lrsweep.data.DataSet;
import java.util.List;

/**
 * One fully resolved study: a preset with its overrides applied and validated. Learning rates are
 * effective learning rates on the sphere (plain learning rates for the practical, non-SI model).
 * Written once to {@code studies/<id>/study.json}; every stage reads its hyper-parameters from
 * there. Synthetic studies count iterations and checkpoint every {@code checkpointEvery}; image
 * studies count epochs, checkpoint every epoch, and use {@code trainSize}/{@code testSize} as
 * subset sizes (0 = the whole set).
 *
 * <p>The fields stay flat because this record is also the study document users write (workflow
 * input overrides, {@code --set key=value}, the stored {@code study.json}). Fields of one setup
 * only: {@code pretrainIterations}, {@code finetuneIterations}, {@code checkpointEvery},
 * {@code singleFeatureSize} (synthetic); {@code dataSource}, {@code width}, {@code pretrainEpochs},
 * {@code finetuneEpochs}, {@code recentEpochs}, {@code momentum}, {@code weightDecay} (image).
 * {@link StudyResolver} checks each setup's fields; the other setup's are ignored.
 *
 * <p>The analyses beyond the sweep: {@code sharpnessProbes} and {@code sharpnessIterations} cap
 * the Hutchinson probes and power iterations of the sharpness estimates (0 = no sharpness);
 * {@code convergenceBudget} is how many pre-training budgets the training-to-convergence baseline
 * may take (0 = no baseline); {@code twoStage} runs two-stage pre-training with the 2B and 2A PLRs
 * of {@code twoStagePlrs}, or, when that is empty, with PLRs from the study's own regimes.
 *
 * <p>{@code refine} (null: off) adds PLRs round by round where the regimes change; the PLRs a
 * round added are recorded in the store, not here ({@code stages.Refinements} adds them to
 * {@code plrs} when it loads the study).
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
        double convergenceLoss,
        double divergenceMargin,
        double barrierLimit,
        int sharpnessProbes,
        int sharpnessIterations,
        double convergenceBudget,
        boolean twoStage,
        List<Double> twoStagePlrs,
        String dataset,
        String dataSource,
        String model,
        int width,
        int pretrainEpochs,
        int finetuneEpochs,
        int recentEpochs,
        double momentum,
        double weightDecay,
        // Absent from study.json and fingerprints when off, so that studies without it stay as they were.
        @JsonInclude(JsonInclude.Include.NON_NULL) Refine refine) {

    public StudyConfig {
        plrs = plrs == null ? null : List.copyOf(plrs);
        flrs = flrs == null ? null : List.copyOf(flrs);
        swaKs = swaKs == null ? null : List.copyOf(swaKs);
        twoStagePlrs = twoStagePlrs == null ? List.of() : List.copyOf(twoStagePlrs);
    }

    public StudyConfig withStudyId(String id) {
        return copy(id, plrs, refine);
    }

    /** The same study with another PLR grid (the coarse grid with the PLRs refinement added). */
    public StudyConfig withPlrs(List<Double> grid) {
        return copy(studyId, grid, refine);
    }

    /** The same study refining its grid as {@code r} says (null: no refinement). */
    public StudyConfig withRefine(Refine r) {
        return copy(studyId, plrs, r);
    }

    private StudyConfig copy(String id, List<Double> grid, Refine r) {
        return new StudyConfig(id, preset, setup, grid, seeds, dataSeeds, pretrainIterations, finetuneIterations,
                flrs, swaKs, batchSize, checkpointEvery, trainSize, testSize, singleFeatureSize, geometryFlrLow,
                geometryFlrHigh, geometryK, convergenceLoss, divergenceMargin, barrierLimit, sharpnessProbes,
                sharpnessIterations, convergenceBudget, twoStage, twoStagePlrs, dataset, dataSource, model, width,
                pretrainEpochs, finetuneEpochs, recentEpochs, momentum, weightDecay, r);
    }

    /** Which setup the study has; a validated study always has one. */
    @JsonIgnore
    public SetupKind kind() {
        return SetupKind.named(setup).orElseThrow(() -> new InvalidStudyException("setup", "'" + setup
                + "' is not supported (known: " + String.join(", ", SetupKind.ids()) + ")"));
    }

    /** The study's data set from the catalogue; a validated study always has one. */
    @JsonIgnore
    public DataSet dataSet() {
        return DataSet.named(dataset).orElseThrow(() -> new InvalidStudyException("dataset", "'" + dataset
                + "' is not a known data set"));
    }

    /** Classes of the study's task: 2 for the synthetic one, 100 for CIFAR-100, else 10. */
    public int classes() {
        return dataSet().classes();
    }

    /** Accuracy of guessing. */
    public double chance() {
        return 1.0 / classes();
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
