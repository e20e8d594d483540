package io.lrsweep.setup;

/**
 * A training run continued from a stored point: where it ended (encoded), whether an epoch's mean
 * training loss fell below the study's convergence loss, how long the whole run is in SGD steps and
 * in whole epochs counted from the start of pre-training, the test accuracy where it ended, and the
 * mean training loss of every epoch it trained (the continuation only).
 */
public record Continued(byte[] point, boolean converged, long steps, long epochs, double testAccuracy,
                        double[] epochLoss) {
}
