package io.lrsweep.science;

import java.util.Arrays;
import java.util.Objects;

/**
 * A point in weight space: the scale-invariant parameters flattened into one vector (the part
 * that lives on the sphere) and the fixed head, which never changes after initialisation.
 */
public record Weights(double[] si, double[] head) {
    public Weights {
        Objects.requireNonNull(si, "si");
        Objects.requireNonNull(head, "head");
    }

    public Weights copy() {
        return new Weights(si.clone(), head.clone());
    }

    /** Euclidean norm of the SI parameters. */
    public double siNorm() {
        return Vectors.norm(si);
    }

    public boolean sameAs(Weights other) {
        return Arrays.equals(si, other.si) && Arrays.equals(head, other.head);
    }
}
