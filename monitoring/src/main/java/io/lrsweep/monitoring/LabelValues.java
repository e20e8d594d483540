package io.lrsweep.monitoring;

import java.util.Locale;
import java.util.regex.Pattern;

/** How values become label values: learning rates as in store keys, "none" for absent, no free text. */
public final class LabelValues {
    /** A label value for something that does not apply (Prometheus wants the same label keys on every series). */
    public static final String NONE = "none";
    private static final Pattern STUDY_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private LabelValues() {
    }

    /** A learning rate as in the store's keys: Java's shortest exact decimal, lower-case exponent. */
    public static String rate(Double value) {
        return value == null ? NONE : Double.toString(value).toLowerCase(Locale.ROOT);
    }

    public static String integer(Integer value) {
        return value == null ? NONE : Integer.toString(value);
    }

    /** A study id as a label; anything that is not a valid study id becomes "invalid" (no free text in labels). */
    public static String study(String studyId) {
        return studyId != null && STUDY_ID.matcher(studyId).matches() ? studyId : "invalid";
    }
}
