package io.lrsweep.science;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SI MLP's loss and gradient for a batch of {@link #ROWS} samples with the samples in vector
 * lanes: activations are stored feature-major (entry [k][r] at k·16 + r), so each sample's
 * LayerNorm and head sums advance four samples a vector instead of one scalar chain each, and the
 * weights are read as stored, with no transposed copies. Every sum adds the same terms in the same
 * order as {@link SiMlp}'s row-major passes, with a separate multiply and add: the same bits
 * ({@code SiMlpBitIdentityTest}). For 256-bit vectors; one instance per model (it owns its scratch
 * space). On an AVX2 machine (AMD Zen 3) the step took 18.7 instead of 24.3 µs (medians of four
 * alternated pairs; README, Performance).
 */
final class ColumnBatch {
    /** The study's batch size: four vectors of four samples. */
    static final int ROWS = 16;
    private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_256;
    private static final int WIDTH = SiMlp.HIDDEN;
    private static final int W2_OFFSET = WIDTH * WIDTH;
    private final double[] x = new double[ROWS * WIDTH];
    private final double[] xt = new double[WIDTH * ROWS];
    private final double[] a1 = new double[WIDTH * ROWS];
    private final double[] h1t = new double[WIDTH * ROWS];
    private final double[] h1 = new double[ROWS * WIDTH];
    private final double[] a2 = new double[WIDTH * ROWS];
    private final double[] da = new double[WIDTH * ROWS];
    private final double[] dz = new double[WIDTH * ROWS];
    private final double[] sd1 = new double[ROWS];
    private final double[] sd2 = new double[ROWS];
    private final double[] scores = new double[ROWS];
    private final double[] ds = new double[ROWS];
    private final RowKernel kernel;

    /** @param kernel the 256-bit kernel, for the weight gradients' sums (the same as the row-major passes') */
    ColumnBatch(RowKernel kernel) {
        this.kernel = kernel;
    }

    /** As {@link SiMlp#lossAndGradient} for a batch of exactly {@link #ROWS} samples. */
    double lossAndGradient(double[] si, double[] v, Samples data, int[] index, int from, double[] gradient,
                           int[] correct) {
        double[] samples = data.x();
        for (int r = 0; r < ROWS; r++) {
            int row = index[from + r] * WIDTH;
            System.arraycopy(samples, row, x, r * WIDTH, WIDTH);
            for (int i = 0; i < WIDTH; i++) {
                xt[i * ROWS + r] = samples[row + i];
            }
        }
        products(si, 0, WIDTH, 1, xt, a1);
        layerNorm(a1, sd1);
        for (int i = 0; i < WIDTH * ROWS; i += LANES.length()) {
            DoubleVector.fromArray(LANES, a1, i).max(0.0).intoArray(h1t, i);
        }
        products(si, W2_OFFSET, WIDTH, 1, h1t, a2);
        layerNorm(a2, sd2);
        head(v);
        double loss = SiMlp.lossOfScores(scores, data, index, from, ROWS, ds, correct);
        headGradient(v);
        layerNormBackward(a2, sd2);
        for (int j = 0; j < WIDTH; j++) {
            for (int r = 0; r < ROWS; r++) {
                h1[r * WIDTH + j] = h1t[j * ROWS + r];
            }
        }
        outerSums(h1, gradient, W2_OFFSET);
        // Back through the second layer, then the first ReLU: da[j][r] = Σ_k W2[k][j]·dz[k][r].
        products(si, W2_OFFSET, 1, WIDTH, dz, da);
        kernel.reluGradient(a1, da, WIDTH * ROWS);
        layerNormBackward(a1, sd1);
        outerSums(x, gradient, 0);
        return loss / ROWS;
    }

    /**
     * out[p][r] = Σ_t w[wOffset + p·pStride + t·tStride]·in[t][r], t in order, for the 32 outputs
     * p of a 32×32 matrix read as stored: a forward layer (pStride 32, tStride 1) or the same
     * layer's backward product (pStride 1, tStride 32). Two outputs at a time share the loads of
     * {@code in}.
     */
    private static void products(double[] w, int wOffset, int pStride, int tStride, double[] in, double[] out) {
        for (int p = 0; p < WIDTH; p += 2) {
            DoubleVector a0 = DoubleVector.zero(LANES);
            DoubleVector a1 = a0;
            DoubleVector a2 = a0;
            DoubleVector a3 = a0;
            DoubleVector b0 = a0;
            DoubleVector b1 = a0;
            DoubleVector b2 = a0;
            DoubleVector b3 = a0;
            int at = wOffset + p * pStride;
            for (int t = 0; t < WIDTH; t++) {
                int o = t * ROWS;
                DoubleVector x0 = DoubleVector.fromArray(LANES, in, o);
                DoubleVector x1 = DoubleVector.fromArray(LANES, in, o + 4);
                DoubleVector x2 = DoubleVector.fromArray(LANES, in, o + 8);
                DoubleVector x3 = DoubleVector.fromArray(LANES, in, o + 12);
                double wa = w[at + t * tStride];
                double wb = w[at + pStride + t * tStride];
                a0 = a0.add(x0.mul(wa));
                a1 = a1.add(x1.mul(wa));
                a2 = a2.add(x2.mul(wa));
                a3 = a3.add(x3.mul(wa));
                b0 = b0.add(x0.mul(wb));
                b1 = b1.add(x1.mul(wb));
                b2 = b2.add(x2.mul(wb));
                b3 = b3.add(x3.mul(wb));
            }
            int o = p * ROWS;
            a0.intoArray(out, o);
            a1.intoArray(out, o + 4);
            a2.intoArray(out, o + 8);
            a3.intoArray(out, o + 12);
            b0.intoArray(out, o + ROWS);
            b1.intoArray(out, o + ROWS + 4);
            b2.intoArray(out, o + ROWS + 8);
            b3.intoArray(out, o + ROWS + 12);
        }
    }

    /** LayerNorm without affine of every sample, in place; sqrt(var + eps) of sample r to sd[r]. */
    private static void layerNorm(double[] z, double[] sd) {
        DoubleVector m0 = DoubleVector.zero(LANES);
        DoubleVector m1 = m0;
        DoubleVector m2 = m0;
        DoubleVector m3 = m0;
        for (int k = 0; k < WIDTH; k++) {
            int o = k * ROWS;
            m0 = m0.add(DoubleVector.fromArray(LANES, z, o));
            m1 = m1.add(DoubleVector.fromArray(LANES, z, o + 4));
            m2 = m2.add(DoubleVector.fromArray(LANES, z, o + 8));
            m3 = m3.add(DoubleVector.fromArray(LANES, z, o + 12));
        }
        m0 = m0.div(WIDTH);
        m1 = m1.div(WIDTH);
        m2 = m2.div(WIDTH);
        m3 = m3.div(WIDTH);
        DoubleVector v0 = DoubleVector.zero(LANES);
        DoubleVector v1 = v0;
        DoubleVector v2 = v0;
        DoubleVector v3 = v0;
        for (int k = 0; k < WIDTH; k++) {
            int o = k * ROWS;
            DoubleVector c0 = DoubleVector.fromArray(LANES, z, o).sub(m0);
            DoubleVector c1 = DoubleVector.fromArray(LANES, z, o + 4).sub(m1);
            DoubleVector c2 = DoubleVector.fromArray(LANES, z, o + 8).sub(m2);
            DoubleVector c3 = DoubleVector.fromArray(LANES, z, o + 12).sub(m3);
            v0 = v0.add(c0.mul(c0));
            v1 = v1.add(c1.mul(c1));
            v2 = v2.add(c2.mul(c2));
            v3 = v3.add(c3.mul(c3));
        }
        DoubleVector s0 = v0.div(WIDTH).add(SiMlp.LAYER_NORM_EPS).sqrt();
        DoubleVector s1 = v1.div(WIDTH).add(SiMlp.LAYER_NORM_EPS).sqrt();
        DoubleVector s2 = v2.div(WIDTH).add(SiMlp.LAYER_NORM_EPS).sqrt();
        DoubleVector s3 = v3.div(WIDTH).add(SiMlp.LAYER_NORM_EPS).sqrt();
        s0.intoArray(sd, 0);
        s1.intoArray(sd, 4);
        s2.intoArray(sd, 8);
        s3.intoArray(sd, 12);
        for (int k = 0; k < WIDTH; k++) {
            int o = k * ROWS;
            DoubleVector.fromArray(LANES, z, o).sub(m0).div(s0).intoArray(z, o);
            DoubleVector.fromArray(LANES, z, o + 4).sub(m1).div(s1).intoArray(z, o + 4);
            DoubleVector.fromArray(LANES, z, o + 8).sub(m2).div(s2).intoArray(z, o + 8);
            DoubleVector.fromArray(LANES, z, o + 12).sub(m3).div(s3).intoArray(z, o + 12);
        }
    }

    /** The fixed head: scores[r] = Σ_k max(a2[k][r], 0)·v[k], k in order. */
    private void head(double[] v) {
        DoubleVector l0 = DoubleVector.zero(LANES);
        DoubleVector l1 = l0;
        DoubleVector l2 = l0;
        DoubleVector l3 = l0;
        for (int k = 0; k < WIDTH; k++) {
            double vk = v[k];
            int o = k * ROWS;
            l0 = l0.add(DoubleVector.fromArray(LANES, a2, o).max(0.0).mul(vk));
            l1 = l1.add(DoubleVector.fromArray(LANES, a2, o + 4).max(0.0).mul(vk));
            l2 = l2.add(DoubleVector.fromArray(LANES, a2, o + 8).max(0.0).mul(vk));
            l3 = l3.add(DoubleVector.fromArray(LANES, a2, o + 12).max(0.0).mul(vk));
        }
        l0.intoArray(scores, 0);
        l1.intoArray(scores, 4);
        l2.intoArray(scores, 8);
        l3.intoArray(scores, 12);
    }

    /** The loss's gradient through the head and the second ReLU into {@link #da}: a2 > 0 ? ds[r]·v[k] : 0. */
    private void headGradient(double[] v) {
        DoubleVector zero = DoubleVector.zero(LANES);
        DoubleVector d0 = DoubleVector.fromArray(LANES, ds, 0);
        DoubleVector d1 = DoubleVector.fromArray(LANES, ds, 4);
        DoubleVector d2 = DoubleVector.fromArray(LANES, ds, 8);
        DoubleVector d3 = DoubleVector.fromArray(LANES, ds, 12);
        for (int k = 0; k < WIDTH; k++) {
            double vk = v[k];
            int o = k * ROWS;
            zero.blend(d0.mul(vk), DoubleVector.fromArray(LANES, a2, o).compare(VectorOperators.GT, 0.0))
                    .intoArray(da, o);
            zero.blend(d1.mul(vk), DoubleVector.fromArray(LANES, a2, o + 4).compare(VectorOperators.GT, 0.0))
                    .intoArray(da, o + 4);
            zero.blend(d2.mul(vk), DoubleVector.fromArray(LANES, a2, o + 8).compare(VectorOperators.GT, 0.0))
                    .intoArray(da, o + 8);
            zero.blend(d3.mul(vk), DoubleVector.fromArray(LANES, a2, o + 12).compare(VectorOperators.GT, 0.0))
                    .intoArray(da, o + 12);
        }
    }

    /** {@link #dz} from {@link #da} through a LayerNorm: (da − mean(da) − a·mean(da·a)) / sd, per sample. */
    private void layerNormBackward(double[] a, double[] sd) {
        DoubleVector d0 = DoubleVector.zero(LANES);
        DoubleVector d1 = d0;
        DoubleVector d2 = d0;
        DoubleVector d3 = d0;
        DoubleVector e0 = d0;
        DoubleVector e1 = d0;
        DoubleVector e2 = d0;
        DoubleVector e3 = d0;
        for (int k = 0; k < WIDTH; k++) {
            int o = k * ROWS;
            DoubleVector x0 = DoubleVector.fromArray(LANES, da, o);
            DoubleVector x1 = DoubleVector.fromArray(LANES, da, o + 4);
            DoubleVector x2 = DoubleVector.fromArray(LANES, da, o + 8);
            DoubleVector x3 = DoubleVector.fromArray(LANES, da, o + 12);
            d0 = d0.add(x0);
            d1 = d1.add(x1);
            d2 = d2.add(x2);
            d3 = d3.add(x3);
            e0 = e0.add(x0.mul(DoubleVector.fromArray(LANES, a, o)));
            e1 = e1.add(x1.mul(DoubleVector.fromArray(LANES, a, o + 4)));
            e2 = e2.add(x2.mul(DoubleVector.fromArray(LANES, a, o + 8)));
            e3 = e3.add(x3.mul(DoubleVector.fromArray(LANES, a, o + 12)));
        }
        d0 = d0.div(WIDTH);
        d1 = d1.div(WIDTH);
        d2 = d2.div(WIDTH);
        d3 = d3.div(WIDTH);
        e0 = e0.div(WIDTH);
        e1 = e1.div(WIDTH);
        e2 = e2.div(WIDTH);
        e3 = e3.div(WIDTH);
        DoubleVector s0 = DoubleVector.fromArray(LANES, sd, 0);
        DoubleVector s1 = DoubleVector.fromArray(LANES, sd, 4);
        DoubleVector s2 = DoubleVector.fromArray(LANES, sd, 8);
        DoubleVector s3 = DoubleVector.fromArray(LANES, sd, 12);
        for (int k = 0; k < WIDTH; k++) {
            int o = k * ROWS;
            DoubleVector.fromArray(LANES, da, o).sub(d0).sub(DoubleVector.fromArray(LANES, a, o).mul(e0)).div(s0)
                    .intoArray(dz, o);
            DoubleVector.fromArray(LANES, da, o + 4).sub(d1).sub(DoubleVector.fromArray(LANES, a, o + 4).mul(e1))
                    .div(s1).intoArray(dz, o + 4);
            DoubleVector.fromArray(LANES, da, o + 8).sub(d2).sub(DoubleVector.fromArray(LANES, a, o + 8).mul(e2))
                    .div(s2).intoArray(dz, o + 8);
            DoubleVector.fromArray(LANES, da, o + 12).sub(d3).sub(DoubleVector.fromArray(LANES, a, o + 12).mul(e3))
                    .div(s3).intoArray(dz, o + 12);
        }
    }

    /**
     * A weight gradient: row k of the matrix at {@code offset} is Σ_r dz[k][r]·in[r], r in order,
     * {@code in} row-major (samples × 32), as the row-major passes sum it.
     */
    private void outerSums(double[] in, double[] gradient, int offset) {
        for (int k = 0; k < WIDTH; k += 4) {
            kernel.combine4(in, 0, SiMlp.CONSECUTIVE, ROWS, dz, k * ROWS, 1, ROWS, true, gradient, offset + k * WIDTH, WIDTH);
        }
    }
}
