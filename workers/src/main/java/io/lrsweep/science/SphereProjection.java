package io.lrsweep.science;

/** Rescales the scale-invariant parameters together so that their total norm is {@code rho}. */
public final class SphereProjection {
    private SphereProjection() {
    }

    /** Projects {@code si} onto the sphere of radius {@code rho} in place. */
    public static void project(double[] si, double rho) {
        double norm = Vectors.norm(si);
        if (!(norm > 0) || !Double.isFinite(norm)) {
            throw new ArithmeticException("cannot project a vector of norm " + norm + " onto the sphere");
        }
        Vectors.scale(si, rho / norm);
    }
}
