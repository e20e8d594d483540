package io.lrsweep.stages;

/**
 * The version of the numerics that fingerprints record: bump {@link #SCIENCE_REVISION} whenever a
 * change alters what a stage computes, so cached results of the old code are not reused.
 */
public final class CodeVersion {
    // 2: the SI MLP starts uniformly on the sphere; ResNet shortcuts take the pre-activated input;
    // barrier end points are projected to the sphere; practical angles are over conv kernels only.
    public static final int SCIENCE_REVISION = 2;

    private CodeVersion() {
    }

    public static String full() {
        String v = CodeVersion.class.getPackage().getImplementationVersion();
        return (v == null ? "dev" : v) + "+science." + SCIENCE_REVISION;
    }
}
