package io.lrsweep.science;

import jdk.incubator.vector.DoubleVector;

/**
 * Lanes of a / b with the division's bits, from one division per divisor and fused multiply-adds
 * (a 512-bit division occupies the divider ~16 cycles; a LayerNorm divides 32 vectors by the same
 * two vectors of sds). With y = RN(1/b), q0 = RN(a·y) is within 1.5 ulps of a/b; one correction
 * q1 = RN(q0 + RN(a − b·q0)·y) leaves it within one ulp (the error before rounding shrinks by
 * ~2^-52); and by Markstein's theorem (y within half an ulp of 1/b and q1 within one ulp of a/b,
 * so that r = a − b·q1 is exact in a fused multiply-add) q2 = RN(q1 + r·y) is the correctly
 * rounded a/b. The theorem excludes overflow and underflow: callers divide with the division unless
 * every dividend and divisor is within [{@link #SMALLEST}, {@link #LARGEST}] in magnitude (so zeros,
 * subnormals, infinities and not-a-number divide; and −0, which the corrections would turn into
 * +0). {@link EightLanePasses} writes {@link #divide} and the range check out in its passes (see
 * there why); the tests hold this method and those passes to the division.
 */
final class MarksteinQuotient {
    /** Magnitudes from here to {@link #LARGEST} keep every intermediate far from under- and overflow. */
    static final double SMALLEST = 0x1p-400;
    /** The largest magnitude that divides here. */
    static final double LARGEST = 0x1p400;

    private MarksteinQuotient() {
    }

    /**
     * a / b, correctly rounded, for dividends and divisors within the range;
     * {@code negated} is −b and {@code reciprocal} 1 / b, the division's result.
     */
    static DoubleVector divide(DoubleVector a, DoubleVector negated, DoubleVector reciprocal) {
        DoubleVector q = a.mul(reciprocal);
        q = q.fma(negated, a).fma(reciprocal, q);
        return q.fma(negated, a).fma(reciprocal, q);
    }
}
