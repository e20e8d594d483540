package io.lrsweep.stages;

/** What a stage may take as already done instead of computing it. */
public enum Reuse {
    /** Its own committed manifest, or the same stage committed by another study (the fingerprint index). */
    ANY,
    /**
     * Its own committed manifest only. For a stage whose upstream this task has just computed: its
     * fingerprint names that upstream's content, which another study could have committed only by
     * computing the same bits under another upstream fingerprint, so asking the index is a request
     * (a "no such key" on an object store) that finds nothing.
     */
    OWN,
    /** Nothing: computed again (a forced run). */
    NONE;

    /** {@link #NONE} when forced, else {@link #ANY}. */
    public static Reuse of(boolean force) {
        return force ? NONE : ANY;
    }
}
