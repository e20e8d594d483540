package io.lrsweep.science;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/**
 * {@link MarksteinQuotient} gives the division's bits wherever its range check lets it divide, and
 * the 512-bit LayerNorm passes, which divide through it, fall back to the division outside that
 * range: both held against the division lane by lane (emulated where the processor has no 512-bit
 * vectors: {@code Math.fma} rounds once, as the instruction does).
 */
class MarksteinQuotientTest {
    private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_512;

    /** Lane-by-lane mismatches between the corrected quotients and the division over {@code a} and {@code b}. */
    private static long mismatches(double[] a, double[] b) {
        long wrong = 0;
        for (int i = 0; i < a.length; i += LANES.length()) {
            DoubleVector x = DoubleVector.fromArray(LANES, a, i);
            DoubleVector d = DoubleVector.fromArray(LANES, b, i);
            DoubleVector q = MarksteinQuotient.divide(x, d.neg(), DoubleVector.broadcast(LANES, 1.0).div(d));
            for (int lane = 0; lane < LANES.length(); lane++) {
                if (Double.doubleToRawLongBits(q.lane(lane)) != Double.doubleToRawLongBits(a[i + lane] / b[i + lane])) {
                    wrong++;
                }
            }
        }
        return wrong;
    }

    @Test
    void quotientsOfRandomOperandsAcrossTheWholeRangeAreTheDivisions() {
        SeededRandom rng = new SeededRandom(11);
        int n = 1 << 20;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            // Random significands and signs, exponents over the whole range the check admits.
            a[i] = (rng.uniform(1, 2) * (rng.uniform(0, 1) < 0.5 ? -1 : 1)) * Math.scalb(1.0, (int) rng.uniform(-400, 400));
            b[i] = (rng.uniform(1, 2) * (rng.uniform(0, 1) < 0.5 ? -1 : 1)) * Math.scalb(1.0, (int) rng.uniform(-400, 400));
        }
        assertThat(mismatches(a, b)).isZero();
    }

    @Test
    void quotientsNextToRepresentableValuesAreTheDivisions() {
        // a = b·q rounded, then moved by up to two ulps: quotients at and beside floating-point
        // numbers, where a wrong rounding direction would show; and the LayerNorm's own scale.
        SeededRandom rng = new SeededRandom(12);
        int n = 1 << 20;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            double sd = Math.sqrt(rng.uniform(0, 4) + SiMlp.LAYER_NORM_EPS);
            double q = rng.nextGaussian() * 3;
            double x = sd * q;
            for (int step = (int) rng.uniform(-2, 3); step != 0; step += step > 0 ? -1 : 1) {
                x = step > 0 ? Math.nextUp(x) : Math.nextDown(x);
            }
            a[i] = x;
            b[i] = sd;
        }
        assertThat(mismatches(a, b)).isZero();
    }

    /** One block's values (feature-major, 32 × 16), Gaussian. */
    private static double[] block(long seed) {
        SeededRandom rng = new SeededRandom(seed);
        double[] z = new double[SiMlp.HIDDEN * ColumnBatch.BLOCK];
        for (int i = 0; i < z.length; i++) {
            z[i] = rng.nextGaussian();
        }
        return z;
    }

    /** {@code z} with sample 3's feature k set to {@code value(k)}. */
    private static double[] withSample3(double[] z, IntToDoubleFunction value) {
        for (int k = 0; k < SiMlp.HIDDEN; k++) {
            z[k * ColumnBatch.BLOCK + 3] = value.applyAsDouble(k);
        }
        return z;
    }

    @Test
    void layerNormsWithValuesOutOfTheQuotientsRangeGiveTheDivisionsBits() {
        // Normal values (the corrected quotients), a sample whose features are all equal (centred
        // values exactly 0), one whose features are all −0 (centred values −0 − (+0) = −0, which
        // the corrections would turn into +0), one of huge values (an infinite variance), one not a
        // number: against the 256-bit passes, which divide (SiMlpBitIdentityTest holds them to the
        // reference). The range check letting zeros through fails this test.
        Map<String, double[]> cases = new LinkedHashMap<>();
        cases.put("normal", block(5));
        cases.put("equal features", withSample3(block(5), k -> 0.25));
        cases.put("negative zeros", withSample3(block(5), k -> -0.0));
        cases.put("huge", withSample3(block(5), k -> (k + 1) * 1e200));
        cases.put("not a number", withSample3(block(5), k -> k == 4 ? Double.NaN : 1.0));
        cases.forEach((name, z) -> {
            double[] wide = z.clone();
            double[] narrow = z.clone();
            double[] sdWide = new double[ColumnBatch.BLOCK];
            double[] sdNarrow = new double[ColumnBatch.BLOCK];
            new EightLanePasses().layerNorm(wide, 0, sdWide, 0);
            new FourLanePasses().layerNorm(narrow, 0, sdNarrow, 0);
            assertThat(bits(wide)).as("normalised, %s", name).containsExactly(bits(narrow));
            assertThat(bits(sdWide)).as("sd, %s", name).containsExactly(bits(sdNarrow));

            double[] gradient = block(6);
            double[] dzWide = new double[gradient.length];
            double[] dzNarrow = new double[gradient.length];
            new EightLanePasses().layerNormBackward(gradient, wide, sdWide, dzWide, 0, 0);
            new FourLanePasses().layerNormBackward(gradient, narrow, sdNarrow, dzNarrow, 0, 0);
            assertThat(bits(dzWide)).as("backward, %s", name).containsExactly(bits(dzNarrow));
        });
    }

    @Test
    void aLayerNormBackwardWithAZeroGradientForOneSampleGivesTheDivisionsBits() {
        double[] a = block(7);
        double[] sd = new double[ColumnBatch.BLOCK];
        new FourLanePasses().layerNorm(a, 0, sd, 0);
        // Sample 3's dividends are exactly 0; with a gradient of −0, −0 wherever a·mean(da·a) is
        // +0, which the division keeps and the corrections would not.
        for (double zero : new double[] {0.0, -0.0}) {
            double[] gradient = withSample3(block(8), k -> zero);
            double[] wide = new double[gradient.length];
            double[] narrow = new double[gradient.length];
            new EightLanePasses().layerNormBackward(gradient, a, sd, wide, 0, 0);
            new FourLanePasses().layerNormBackward(gradient, a, sd, narrow, 0, 0);
            assertThat(bits(wide)).as("gradient %s", zero).containsExactly(bits(narrow));
        }
        double[] negative = new double[a.length];
        new FourLanePasses().layerNormBackward(withSample3(block(8), k -> -0.0), a, sd, negative, 0, 0);
        assertThat(bits(negative)).as("some dividends are -0").contains(Double.doubleToLongBits(-0.0));
    }

    /** Bits, not-a-number made one (its payload is not a result). */
    private static long[] bits(double[] values) {
        return Arrays.stream(values).mapToLong(Double::doubleToLongBits).toArray();
    }
}
