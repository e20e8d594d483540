package io.lrsweep.science.images;

/** What a named tensor of a network is, which decides how training, averaging and projection treat it. */
public enum TensorRole {
    /** Scale-invariant weight: trained, and kept on the sphere of radius rho together with the others. */
    SI,
    /** Ordinary trainable parameter (practical model). */
    TRAINABLE,
    /** Parameter fixed at initialisation (the SI models' head). */
    FIXED,
    /** BatchNorm running mean (a buffer, not a parameter). */
    BN_MEAN,
    /** BatchNorm running variance (a buffer, not a parameter). */
    BN_VAR;

    public boolean trained() {
        return this == SI || this == TRAINABLE;
    }
}
