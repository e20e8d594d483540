package io.lrsweep.setup;

import io.lrsweep.study.Branch;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Everything that depends on which setup a study has (the synthetic SI MLP, or image models on
 * DJL): how to train a branch's points, average a window, measure points, encode points, and what
 * goes into each stage's fingerprint. Stages are written once over this interface; {@link Setups}
 * picks the implementation.
 *
 * @param <P> a point in weight space as this setup holds it in memory
 */
public sealed interface Setup<P> permits SyntheticSetup, ImageSetup {
    /** Adds the fingerprint fields that every stage of a branch of this setup records (model, data). */
    void describeBranch(Map<String, Object> inputs);

    /** Adds the pre-training stage's own fingerprint fields (length, SWA window). */
    void describePretrain(Map<String, Object> inputs);

    /** Adds the fine-tuning stage's own fingerprint fields (length). */
    void describeFinetune(Map<String, Object> inputs);

    /** Adds the analysis stage's own fingerprint fields (sizes of the measured sets). */
    void describeAnalysis(Map<String, Object> inputs);

    /** The name of the pre-trained point among the pre-training stage's checkpoints. */
    String pretrainedPoint();

    /** The pre-training objects that SWA over {@code k} reads, in the order it reads them. */
    List<String> window(int k);

    /** A point from a stored checkpoint of this setup. */
    P decode(byte[] checkpoint) throws IOException;

    /** Pre-trains a branch with its PLR from its seeded initialisation, keeping the SWA window. */
    Trained pretrain(Branch b, StageSink sink) throws IOException;

    /** Fine-tunes a branch's pre-trained point {@code start} with {@code flr}. */
    Trained finetune(Branch b, double flr, P start, StageSink sink) throws IOException;

    /** SWA over {@code k} checkpoints, read from the objects of {@link #window} (BN recomputed where there is BN). */
    Averaged average(Branch b, int k, CheckpointReader window) throws IOException;

    /** SGD steps in one epoch of the branch's training set. */
    long stepsPerEpoch();

    /**
     * Continues a branch's pre-training run from its pre-trained point {@code start} with
     * {@code rate} until the run is {@code budgets} pre-training budgets long (counted from the
     * start of pre-training), or, with {@code untilConverged}, until an epoch's mean training loss
     * falls below the study's convergence loss. Data order comes from the branch's seed and
     * {@code purpose} ("pretrain-order" continues the pre-training run itself).
     */
    Continued continueTraining(Branch b, P start, double rate, String purpose, double budgets,
                               boolean untilConverged, StageSink sink) throws IOException;

    /** Opens a measuring session on the branch's data. */
    Measurements<P> measurements(Branch b) throws IOException;
}
