package io.lrsweep.setup;

/**
 * An SWA point: its encoded checkpoint, its test accuracy and a note for the log (e.g. that BN
 * statistics were recomputed).
 */
public record Averaged(byte[] point, double testAccuracy, String note) {
}
