package io.lrsweep.setup;

import java.util.List;
import java.util.Map;

/**
 * What a training stage's computation made.
 *
 * @param finalPoint  the encoded end point (fine-tuning), or null when the kept checkpoints are the result
 * @param checkpoints names of the checkpoints written during training that the stage keeps, in manifest order
 * @param curve       the per-epoch curves, for {@code curve.json}
 * @param metrics     summary numbers for the stage's manifest
 * @param testAccuracy test accuracy of the point the stage hands on
 * @param summary     one line for the log, e.g. "test accuracy 0.7633, min epoch loss 1e-3"
 */
public record Trained(byte[] finalPoint, List<String> checkpoints, Map<String, Object> curve,
                      Map<String, Object> metrics, double testAccuracy, String summary) {
}
