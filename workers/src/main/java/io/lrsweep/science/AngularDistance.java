package io.lrsweep.science;

/** Angle between two points over the flattened SI parameters, arccos(⟨a,b⟩/(|a||b|)) in radians. */
public final class AngularDistance {
    private AngularDistance() {
    }

    public static double radians(double[] a, double[] b) {
        double cosine = Vectors.dot(a, b) / (Vectors.norm(a) * Vectors.norm(b));
        // Rounding can push the cosine of (anti)parallel vectors just past ±1.
        return Math.acos(Math.max(-1.0, Math.min(1.0, cosine)));
    }

    public static double radians(Weights a, Weights b) {
        return radians(a.si(), b.si());
    }
}
