package io.lrsweep.study;

import java.util.Locale;

/** A learning rate as it appears in object keys and labels: Java's shortest exact decimal, lower-case exponent. */
public final class RateLabel {
    private RateLabel() {
    }

    public static String of(double rate) {
        return Double.toString(rate).toLowerCase(Locale.ROOT);
    }
}
