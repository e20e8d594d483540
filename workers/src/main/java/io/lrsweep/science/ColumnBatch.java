package io.lrsweep.science;

import java.util.BitSet;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SI MLP's passes with the samples in vector lanes, for any whole number of blocks of
 * {@link #BLOCK} samples: each block's activations are stored feature-major (entry [k][r] of block
 * b at b·512 + k·16 + r), so each sample's LayerNorm and head sums advance four samples a vector
 * instead of one scalar chain each, and the weights are read as stored, with no transposed copies.
 * Every sum adds the same terms in the same order as {@link SiMlp}'s row-major passes, with a
 * separate multiply and add: the same bits ({@code SiMlpBitIdentityTest}). For 256-bit vectors; one
 * instance per model (it owns its scratch space, grown on demand). On an AVX2 machine (AMD Zen 3)
 * the training step took 18.7 instead of 24.3 µs, and in whole blocks an evaluation of 2,000
 * samples ~840 instead of ~1,000 µs, a gradient over 512 samples ~450 instead of ~590 µs
 * (README, Performance).
 */
final class ColumnBatch {
    /** Samples a block: four vectors of four. */
    static final int BLOCK = 16;
    private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_256;
    private static final int WIDTH = SiMlp.HIDDEN;
    /** One block's activations of one layer. */
    private static final int SLAB = WIDTH * BLOCK;
    private static final int W2_OFFSET = WIDTH * WIDTH;
    private int blocks;
    /** The samples row-major ([r][i]), as the first layer's weight gradient reads them. */
    private double[] x;
    private double[] xt;
    private double[] a1;
    private double[] h1t;
    /** The first layer's output row-major, as the second layer's weight gradient reads it. */
    private double[] h1;
    private double[] a2;
    private double[] da;
    private double[] dz;
    private double[] sd1;
    private double[] sd2;
    private double[] scores;
    private double[] ds;
    private final RowKernel kernel;

    /** @param kernel the 256-bit kernel, for the first ReLU's gradient (the same as the row-major passes') */
    ColumnBatch(RowKernel kernel) {
        this.kernel = kernel;
        grow(1);
    }

    private void grow(int needed) {
        if (needed <= blocks) {
            return;
        }
        blocks = needed;
        int rows = needed * BLOCK;
        x = new double[rows * WIDTH];
        xt = new double[needed * SLAB];
        a1 = new double[needed * SLAB];
        h1t = new double[needed * SLAB];
        h1 = new double[rows * WIDTH];
        a2 = new double[needed * SLAB];
        da = new double[needed * SLAB];
        dz = new double[needed * SLAB];
        sd1 = new double[rows];
        sd2 = new double[rows];
        scores = new double[rows];
        ds = new double[rows];
    }

    /**
     * As {@link SiMlp#lossAndGradient} for {@code rows} samples, a multiple of {@link #BLOCK}. The
     * weight gradients sum over all rows in order, so every block's activations are kept.
     */
    double lossAndGradient(double[] si, double[] v, Samples data, int[] index, int from, int rows, double[] gradient,
                           int[] correct) {
        int n = rows / BLOCK;
        grow(n);
        double[] samples = data.x();
        for (int r = 0; r < rows; r++) {
            int row = index[from + r] * WIDTH;
            System.arraycopy(samples, row, x, r * WIDTH, WIDTH);
        }
        for (int b = 0; b < n; b++) {
            forward(si, v, b);
        }
        double loss = SiMlp.lossOfScores(scores, data, index, from, rows, ds, correct);
        for (int b = 0; b < n; b++) {
            int base = b * SLAB;
            headGradient(v, base, b * BLOCK);
            layerNormBackward(a2, sd2, base, b * BLOCK);
            for (int j = 0; j < WIDTH; j++) {
                for (int r = 0; r < BLOCK; r++) {
                    h1[(b * BLOCK + r) * WIDTH + j] = h1t[base + j * BLOCK + r];
                }
            }
        }
        weightGradient(h1, n, gradient, W2_OFFSET);
        // Back through the second layer, then the first ReLU: da[j][r] = Σ_k W2[k][j]·dz[k][r].
        for (int b = 0; b < n; b++) {
            layer(si, W2_OFFSET, 1, WIDTH, dz, da, b * SLAB);
        }
        kernel.reluGradient(a1, da, n * SLAB);
        for (int b = 0; b < n; b++) {
            layerNormBackward(a1, sd1, b * SLAB, b * BLOCK);
        }
        weightGradient(x, n, gradient, 0);
        return loss / rows;
    }

    /**
     * The logits of one block: samples {@code from}…{@code from + 15} of {@code data} in order,
     * to {@code logits} from {@code at}; when {@code pattern} is not null, which of their ReLUs are
     * on, as {@link SiMlp#reluPattern} numbers them.
     */
    void logits(double[] si, double[] v, Samples data, int from, double[] logits, int at, BitSet pattern) {
        System.arraycopy(data.x(), from * WIDTH, x, 0, SLAB);
        forward(si, v, 0);
        System.arraycopy(scores, 0, logits, at, BLOCK);
        if (pattern != null) {
            for (int r = 0; r < BLOCK; r++) {
                int bit = 2 * (from + r) * WIDTH;
                for (int k = 0; k < WIDTH; k++) {
                    pattern.set(bit + 2 * k, a1[k * BLOCK + r] > 0);
                    pattern.set(bit + 2 * k + 1, a2[k * BLOCK + r] > 0);
                }
            }
        }
    }

    /** The forward pass of block {@code b}, whose samples are in {@link #x}: activations, sd and logits. */
    private void forward(double[] si, double[] v, int b) {
        int base = b * SLAB;
        int first = b * BLOCK;
        for (int r = 0; r < BLOCK; r++) {
            int row = (first + r) * WIDTH;
            for (int i = 0; i < WIDTH; i++) {
                xt[base + i * BLOCK + r] = x[row + i];
            }
        }
        layer(si, 0, WIDTH, 1, xt, a1, base);
        layerNorm(a1, base, sd1, first);
        for (int i = base; i < base + SLAB; i += LANES.length()) {
            DoubleVector.fromArray(LANES, a1, i).max(0.0).intoArray(h1t, i);
        }
        layer(si, W2_OFFSET, WIDTH, 1, h1t, a2, base);
        layerNorm(a2, base, sd2, first);
        head(v, base, first);
    }

    /**
     * A weight gradient: row k of the matrix at {@code offset} is Σ_r dz[k][r]·in[r], over the
     * {@code n} blocks' rows in order, {@code in} row-major (samples × 32), as the row-major passes
     * sum it. Each half row is summed block after block, the partial sum carried in {@code gradient}
     * (stored and read back unchanged, so the same bits as one loop).
     */
    private void weightGradient(double[] in, int n, double[] gradient, int offset) {
        for (int half = 0; half < WIDTH; half += BLOCK) {
            for (int b = 0; b < n; b++) {
                gradientBlock(in, b, gradient, offset + half, half, b > 0);
            }
        }
    }

    /**
     * Block {@code b}'s terms of 16 columns of a weight gradient, two rows k at a time sharing the
     * loads of {@code in}: out[o + k·32 + c] (+)= Σ_r dz[k][r]·in[r][column + c], r in order. The
     * loop is {@link #layer}'s with constant strides: one loop for both, strides as parameters,
     * spilled its indices to the stack and checked every access, and the step took ~10 % longer.
     */
    private void gradientBlock(double[] in, int b, double[] out, int o, int column, boolean accumulate) {
        int inBase = b * SLAB + column;
        for (int k = 0; k < WIDTH; k += 2) {
            int oa = o + k * WIDTH;
            int ob = oa + WIDTH;
            DoubleVector a0;
            DoubleVector a1;
            DoubleVector a2;
            DoubleVector a3;
            DoubleVector b0;
            DoubleVector b1;
            DoubleVector b2;
            DoubleVector b3;
            if (accumulate) {
                a0 = DoubleVector.fromArray(LANES, out, oa);
                a1 = DoubleVector.fromArray(LANES, out, oa + 4);
                a2 = DoubleVector.fromArray(LANES, out, oa + 8);
                a3 = DoubleVector.fromArray(LANES, out, oa + 12);
                b0 = DoubleVector.fromArray(LANES, out, ob);
                b1 = DoubleVector.fromArray(LANES, out, ob + 4);
                b2 = DoubleVector.fromArray(LANES, out, ob + 8);
                b3 = DoubleVector.fromArray(LANES, out, ob + 12);
            } else {
                a0 = DoubleVector.zero(LANES);
                a1 = a0;
                a2 = a0;
                a3 = a0;
                b0 = a0;
                b1 = a0;
                b2 = a0;
                b3 = a0;
            }
            int at = b * SLAB + k * BLOCK;
            for (int r = 0; r < BLOCK; r++) {
                int s = inBase + r * WIDTH;
                DoubleVector x0 = DoubleVector.fromArray(LANES, in, s);
                DoubleVector x1 = DoubleVector.fromArray(LANES, in, s + 4);
                DoubleVector x2 = DoubleVector.fromArray(LANES, in, s + 8);
                DoubleVector x3 = DoubleVector.fromArray(LANES, in, s + 12);
                double wa = dz[at + r];
                double wb = dz[at + BLOCK + r];
                a0 = a0.add(x0.mul(wa));
                a1 = a1.add(x1.mul(wa));
                a2 = a2.add(x2.mul(wa));
                a3 = a3.add(x3.mul(wa));
                b0 = b0.add(x0.mul(wb));
                b1 = b1.add(x1.mul(wb));
                b2 = b2.add(x2.mul(wb));
                b3 = b3.add(x3.mul(wb));
            }
            a0.intoArray(out, oa);
            a1.intoArray(out, oa + 4);
            a2.intoArray(out, oa + 8);
            a3.intoArray(out, oa + 12);
            b0.intoArray(out, ob);
            b1.intoArray(out, ob + 4);
            b2.intoArray(out, ob + 8);
            b3.intoArray(out, ob + 12);
        }
    }

    /**
     * The 32 outputs p of a 32×32 matrix read as stored, for the block at {@code base}:
     * out[p][r] = Σ_t w[wOffset + p·pStride + t·tStride]·in[t][r], t in order. A forward layer
     * (pStride 32, tStride 1) or the same layer's backward product (pStride 1, tStride 32). Two
     * outputs at a time share the loads of {@code in}.
     */
    private static void layer(double[] w, int wOffset, int pStride, int tStride, double[] in, double[] out, int base) {
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
                int o = base + t * BLOCK;
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
            int o = base + p * BLOCK;
            a0.intoArray(out, o);
            a1.intoArray(out, o + 4);
            a2.intoArray(out, o + 8);
            a3.intoArray(out, o + 12);
            b0.intoArray(out, o + BLOCK);
            b1.intoArray(out, o + BLOCK + 4);
            b2.intoArray(out, o + BLOCK + 8);
            b3.intoArray(out, o + BLOCK + 12);
        }
    }

    /**
     * LayerNorm without affine of every sample of the block at {@code base}, in place;
     * sqrt(var + eps) of its sample r to sd[first + r].
     */
    private static void layerNorm(double[] z, int base, double[] sd, int first) {
        DoubleVector m0 = DoubleVector.zero(LANES);
        DoubleVector m1 = m0;
        DoubleVector m2 = m0;
        DoubleVector m3 = m0;
        for (int k = 0; k < WIDTH; k++) {
            int o = base + k * BLOCK;
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
            int o = base + k * BLOCK;
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
        s0.intoArray(sd, first);
        s1.intoArray(sd, first + 4);
        s2.intoArray(sd, first + 8);
        s3.intoArray(sd, first + 12);
        for (int k = 0; k < WIDTH; k++) {
            int o = base + k * BLOCK;
            DoubleVector.fromArray(LANES, z, o).sub(m0).div(s0).intoArray(z, o);
            DoubleVector.fromArray(LANES, z, o + 4).sub(m1).div(s1).intoArray(z, o + 4);
            DoubleVector.fromArray(LANES, z, o + 8).sub(m2).div(s2).intoArray(z, o + 8);
            DoubleVector.fromArray(LANES, z, o + 12).sub(m3).div(s3).intoArray(z, o + 12);
        }
    }

    /** The fixed head: scores[first + r] = Σ_k max(a2[k][r], 0)·v[k], k in order, for the block at {@code base}. */
    private void head(double[] v, int base, int first) {
        DoubleVector l0 = DoubleVector.zero(LANES);
        DoubleVector l1 = l0;
        DoubleVector l2 = l0;
        DoubleVector l3 = l0;
        for (int k = 0; k < WIDTH; k++) {
            double vk = v[k];
            int o = base + k * BLOCK;
            l0 = l0.add(DoubleVector.fromArray(LANES, a2, o).max(0.0).mul(vk));
            l1 = l1.add(DoubleVector.fromArray(LANES, a2, o + 4).max(0.0).mul(vk));
            l2 = l2.add(DoubleVector.fromArray(LANES, a2, o + 8).max(0.0).mul(vk));
            l3 = l3.add(DoubleVector.fromArray(LANES, a2, o + 12).max(0.0).mul(vk));
        }
        l0.intoArray(scores, first);
        l1.intoArray(scores, first + 4);
        l2.intoArray(scores, first + 8);
        l3.intoArray(scores, first + 12);
    }

    /**
     * The loss's gradient through the head and the second ReLU into {@link #da} for the block at
     * {@code base}: a2 > 0 ? ds[r]·v[k] : 0.
     */
    private void headGradient(double[] v, int base, int first) {
        DoubleVector zero = DoubleVector.zero(LANES);
        DoubleVector d0 = DoubleVector.fromArray(LANES, ds, first);
        DoubleVector d1 = DoubleVector.fromArray(LANES, ds, first + 4);
        DoubleVector d2 = DoubleVector.fromArray(LANES, ds, first + 8);
        DoubleVector d3 = DoubleVector.fromArray(LANES, ds, first + 12);
        for (int k = 0; k < WIDTH; k++) {
            double vk = v[k];
            int o = base + k * BLOCK;
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

    /**
     * {@link #dz} from {@link #da} through a LayerNorm for the block at {@code base}:
     * (da − mean(da) − a·mean(da·a)) / sd, per sample.
     */
    private void layerNormBackward(double[] a, double[] sd, int base, int first) {
        DoubleVector d0 = DoubleVector.zero(LANES);
        DoubleVector d1 = d0;
        DoubleVector d2 = d0;
        DoubleVector d3 = d0;
        DoubleVector e0 = d0;
        DoubleVector e1 = d0;
        DoubleVector e2 = d0;
        DoubleVector e3 = d0;
        for (int k = 0; k < WIDTH; k++) {
            int o = base + k * BLOCK;
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
        DoubleVector s0 = DoubleVector.fromArray(LANES, sd, first);
        DoubleVector s1 = DoubleVector.fromArray(LANES, sd, first + 4);
        DoubleVector s2 = DoubleVector.fromArray(LANES, sd, first + 8);
        DoubleVector s3 = DoubleVector.fromArray(LANES, sd, first + 12);
        for (int k = 0; k < WIDTH; k++) {
            int o = base + k * BLOCK;
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
}
