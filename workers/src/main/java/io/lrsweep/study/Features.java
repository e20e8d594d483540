package io.lrsweep.study;

import java.util.Map;

/**
 * What a point's accuracy on feature-restricted test sets says about the features it learned
 * (study-spec §6): single-feature test sets in the synthetic study, Fourier bands for images.
 */
public sealed interface Features permits Features.SingleFeatures, Features.Bands {
    /**
     * Accuracy on each single-feature test set, the same sorted in decreasing order, and their
     * concentration (1 = one feature carries everything, 1/16 = all alike, 0 = none learned).
     */
    record SingleFeatures(double[] accuracy, double[] sorted, double concentration) implements Features {
    }

    /** Test accuracy on the images that keep one frequency band, by band name. */
    record Bands(Map<String, Double> accuracy) implements Features {
    }
}
