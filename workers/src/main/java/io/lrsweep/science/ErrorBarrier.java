package io.lrsweep.science;

import java.util.function.ToDoubleFunction;

/**
 * The linear-interpolation error barrier between two points: along (1−α)·A + α·B, with both end
 * points and every mixed point projected to the sphere (the authors re-project the end points too,
 * which matters for an SWA point, whose norm is below rho), the largest excess of the error over the
 * straight line between the end points, {@code max_α [err(α) − ((1−α)·err(0) + α·err(1))]},
 * clipped at 0.
 */
public final class ErrorBarrier {
    /** The paper's 21 evenly spaced points in [0, 1]. */
    public static final int POINTS = 21;

    private ErrorBarrier() {
    }

    /** Barrier of an error curve measured at evenly spaced α from 0 to 1 (same unit as the errors). */
    public static double of(double[] errors) {
        if (errors.length < 2) {
            throw new IllegalArgumentException("an error curve needs at least its two end points");
        }
        int n = errors.length - 1;
        double first = errors[0];
        double last = errors[n];
        double barrier = 0;
        for (int i = 0; i <= n; i++) {
            double alpha = (double) i / n;
            barrier = Math.max(barrier, errors[i] - ((1 - alpha) * first + alpha * last));
        }
        return barrier;
    }

    /** The point at α on the segment between a and b projected to norm rho, SI part projected to norm rho. */
    public static Weights interpolate(Weights a, Weights b, double alpha, double rho) {
        double[] si = mix(onSphere(a.si(), rho), onSphere(b.si(), rho), alpha);
        SphereProjection.project(si, rho);
        return new Weights(si, mix(a.head(), b.head(), alpha));
    }

    /** Errors of the {@code points} interpolated models, measured by {@code error}. */
    public static double[] curve(Weights a, Weights b, int points, double rho, ToDoubleFunction<Weights> error) {
        double[] errors = new double[points];
        for (int i = 0; i < points; i++) {
            double alpha = (double) i / (points - 1);
            errors[i] = error.applyAsDouble(interpolate(a, b, alpha, rho));
        }
        return errors;
    }

    private static double[] onSphere(double[] si, double rho) {
        double[] out = si.clone();
        SphereProjection.project(out, rho);
        return out;
    }

    private static double[] mix(double[] a, double[] b, double alpha) {
        Vectors.requireSameLength(a, b);
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (1 - alpha) * a[i] + alpha * b[i];
        }
        return out;
    }
}
