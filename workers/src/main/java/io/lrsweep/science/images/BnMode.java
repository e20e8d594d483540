package io.lrsweep.science.images;

/** How the BatchNorm layers of a network normalise during one forward pass. */
public enum BnMode {
    /** Batch statistics; running statistics updated with momentum 0.1 in PyTorch's sense (training). */
    TRAIN,
    /** Batch statistics; running statistics untouched (the paper's train-mode error). */
    BATCH,
    /** Running statistics (evaluation). */
    EVAL,
    /** Batch statistics, and each layer's input accumulated for exact data-set statistics (BN recomputation). */
    COLLECT
}
