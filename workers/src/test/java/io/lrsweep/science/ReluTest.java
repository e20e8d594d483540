package io.lrsweep.science;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The block passes' ReLUs (a comparison and a blend) give {@code Math.max(a, 0.0)}'s bits in every
 * lane, the signed zeros and not-a-number included, on both widths: the first ReLU and the head's.
 */
class ReluTest {
    private static final int SLAB = SiMlp.HIDDEN * ColumnBatch.BLOCK;
    private static final double[] SPECIAL = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 1.0, -1.0,
        Double.MIN_NORMAL, -Double.MIN_NORMAL, 0x1p-400, -3e-5, 7e4};

    /** One block with the special values first, Gaussian values after. */
    private static double[] block() {
        SeededRandom rng = new SeededRandom(11);
        double[] a = new double[SLAB];
        for (int i = 0; i < SLAB; i++) {
            a[i] = i < SPECIAL.length ? SPECIAL[i] : rng.nextGaussian();
        }
        return a;
    }

    @Test
    void theFirstReluGivesMathMaxsBitsOnBothWidths() {
        double[] a = block();
        for (BlockPasses passes : List.<BlockPasses>of(new EightLanePasses(), new FourLanePasses())) {
            double[] out = new double[SLAB];
            passes.relu(a, out, 0);
            for (int i = 0; i < SLAB; i++) {
                assertThat(Double.doubleToRawLongBits(out[i])).as("relu(%s), %s", a[i], passes.getClass())
                        .isEqualTo(Double.doubleToRawLongBits(Math.max(a[i], 0.0)));
            }
        }
    }

    @Test
    void theHeadsReluGivesMathMaxsBitsOnBothWidths() {
        // One head weight at a time is 1 and the rest 0: each score is the ReLU of the activation
        // that weight reads plus the others' ReLUs times 0 (not a number where one is infinite),
        // summed in the reference's order from +0: the bits of Math.max's ReLUs.
        double[] a = block();
        for (BlockPasses passes : List.<BlockPasses>of(new EightLanePasses(), new FourLanePasses())) {
            for (int k = 0; k < SiMlp.HIDDEN; k++) {
                double[] v = new double[SiMlp.HIDDEN];
                v[k] = 1.0;
                double[] scores = new double[ColumnBatch.BLOCK];
                passes.head(a, v, scores, 0, 0);
                for (int r = 0; r < ColumnBatch.BLOCK; r++) {
                    double expected = 0.0;
                    for (int j = 0; j < SiMlp.HIDDEN; j++) {
                        expected += Math.max(a[j * ColumnBatch.BLOCK + r], 0.0) * v[j];
                    }
                    assertThat(Double.doubleToRawLongBits(scores[r])).as("feature %d, sample %d, %s", k, r,
                            passes.getClass()).isEqualTo(Double.doubleToRawLongBits(expected));
                }
            }
        }
    }
}
