package io.lrsweep.science;

/** Rescales the scale-invariant parameters together so that their total norm is {@code rho}. */
public final class SphereProjection {
    private SphereProjection() {
    }

    /** Projects {@code si} onto the sphere of radius {@code rho} in place. */
    public static void project(double[] si, double rho) {
        scaleToRho(si, Vectors.norm(si), rho);
    }

    /** Rescales {@code si}, whose norm is {@code norm}, to norm {@code rho} in place. */
    static void scaleToRho(double[] si, double norm, double rho) {
        if (!(norm > 0) || !Double.isFinite(norm)) {
            throw new ArithmeticException("cannot project a vector of norm " + norm + " onto the sphere");
        }
        Vectors.scale(si, rho / norm);
    }
}
