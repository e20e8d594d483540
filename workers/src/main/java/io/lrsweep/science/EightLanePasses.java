package io.lrsweep.science;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BlockPasses} on 512-bit vectors: a block's 16 samples are two vectors of eight, and four
 * outputs advance at a time so that each load of the input still feeds eight accumulators. The
 * LayerNorms divide by each sample's sd through {@link MarksteinQuotient} (two divisions a block
 * instead of 64, each ~16 cycles of the divider; the step 4–9 % faster, README, Performance). One
 * instance per {@link ColumnBatch}: it keeps scratch between passes.
 *
 * <p>The quotient, the ReLUs and the quotient's range checks are written out in each pass, with no
 * helper method taking or returning vectors or masks: C2 sometimes compiled such a helper on its
 * own before its callers and then did not inline it, and the vectors crossing the call became
 * objects (6.8–6.9 KB a step in 4 of 8 runs of {@code bench train}, none since).
 */
final class EightLanePasses implements BlockPasses {
    private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_512;
    /** The second vector of a block's 16 samples. */
    private static final int H = 8;
    private static final int WIDTH = SiMlp.HIDDEN;
    private static final int BLOCK = ColumnBatch.BLOCK;
    private static final int SLAB = WIDTH * BLOCK;
    /**
     * Per-sample means between a LayerNorm's passes over one block: forward of the activations,
     * backward of the incoming gradient (and of its product with the normalised activations in
     * {@link #products}). The passes are separate methods because one method with them all
     * exceeded C2's inlining budget and kept its vectors as heap objects (kilobytes a call).
     */
    private final double[] means = new double[BLOCK];
    private final double[] products = new double[BLOCK];

    /**
     * Keeps a unless a <= 0: Math.max(a, 0.0)'s bits (not-a-number stays, −0 becomes +0) in a
     * comparison and a blend, where the vector max follows Java's rules for −0 and not-a-number in
     * several instructions.
     */
    @Override
    public void relu(double[] a, double[] out, int base) {
        DoubleVector zero = DoubleVector.zero(LANES);
        for (int i = base; i < base + SLAB; i += LANES.length()) {
            DoubleVector x = DoubleVector.fromArray(LANES, a, i);
            x.blend(zero, x.compare(VectorOperators.LE, 0.0)).intoArray(out, i);
        }
    }

    @Override
    public void gradientBlock(double[] in, double[] dz, int b, double[] out, int o, int column, boolean accumulate) {
        // Four rows k at a time share each load of the input, as in layer.
        int inBase = b * SLAB + column;
        for (int k = 0; k < WIDTH; k += 4) {
            int oa = o + k * WIDTH;
            int ob = oa + WIDTH;
            int oc = ob + WIDTH;
            int od = oc + WIDTH;
            DoubleVector a0;
            DoubleVector a1;
            DoubleVector b0;
            DoubleVector b1;
            DoubleVector c0;
            DoubleVector c1;
            DoubleVector d0;
            DoubleVector d1;
            if (accumulate) {
                a0 = DoubleVector.fromArray(LANES, out, oa);
                a1 = DoubleVector.fromArray(LANES, out, oa + H);
                b0 = DoubleVector.fromArray(LANES, out, ob);
                b1 = DoubleVector.fromArray(LANES, out, ob + H);
                c0 = DoubleVector.fromArray(LANES, out, oc);
                c1 = DoubleVector.fromArray(LANES, out, oc + H);
                d0 = DoubleVector.fromArray(LANES, out, od);
                d1 = DoubleVector.fromArray(LANES, out, od + H);
            } else {
                a0 = DoubleVector.zero(LANES);
                a1 = a0;
                b0 = a0;
                b1 = a0;
                c0 = a0;
                c1 = a0;
                d0 = a0;
                d1 = a0;
            }
            int at = b * SLAB + k * BLOCK;
            for (int r = 0; r < BLOCK; r++) {
                int s = inBase + r * WIDTH;
                DoubleVector x0 = DoubleVector.fromArray(LANES, in, s);
                DoubleVector x1 = DoubleVector.fromArray(LANES, in, s + H);
                double wa = dz[at + r];
                double wb = dz[at + BLOCK + r];
                double wc = dz[at + 2 * BLOCK + r];
                double wd = dz[at + 3 * BLOCK + r];
                a0 = a0.add(x0.mul(wa));
                a1 = a1.add(x1.mul(wa));
                b0 = b0.add(x0.mul(wb));
                b1 = b1.add(x1.mul(wb));
                c0 = c0.add(x0.mul(wc));
                c1 = c1.add(x1.mul(wc));
                d0 = d0.add(x0.mul(wd));
                d1 = d1.add(x1.mul(wd));
            }
            a0.intoArray(out, oa);
            a1.intoArray(out, oa + H);
            b0.intoArray(out, ob);
            b1.intoArray(out, ob + H);
            c0.intoArray(out, oc);
            c1.intoArray(out, oc + H);
            d0.intoArray(out, od);
            d1.intoArray(out, od + H);
        }
    }

    @Override
    public void layer(double[] w, int wOffset, int pStride, int tStride, double[] in, double[] out, int base) {
        for (int p = 0; p < WIDTH; p += 4) {
            DoubleVector a0 = DoubleVector.zero(LANES);
            DoubleVector a1 = a0;
            DoubleVector b0 = a0;
            DoubleVector b1 = a0;
            DoubleVector c0 = a0;
            DoubleVector c1 = a0;
            DoubleVector d0 = a0;
            DoubleVector d1 = a0;
            int at = wOffset + p * pStride;
            for (int t = 0; t < WIDTH; t++) {
                int o = base + t * BLOCK;
                DoubleVector x0 = DoubleVector.fromArray(LANES, in, o);
                DoubleVector x1 = DoubleVector.fromArray(LANES, in, o + H);
                double wa = w[at + t * tStride];
                double wb = w[at + pStride + t * tStride];
                double wc = w[at + 2 * pStride + t * tStride];
                double wd = w[at + 3 * pStride + t * tStride];
                a0 = a0.add(x0.mul(wa));
                a1 = a1.add(x1.mul(wa));
                b0 = b0.add(x0.mul(wb));
                b1 = b1.add(x1.mul(wb));
                c0 = c0.add(x0.mul(wc));
                c1 = c1.add(x1.mul(wc));
                d0 = d0.add(x0.mul(wd));
                d1 = d1.add(x1.mul(wd));
            }
            int o = base + p * BLOCK;
            a0.intoArray(out, o);
            a1.intoArray(out, o + H);
            b0.intoArray(out, o + BLOCK);
            b1.intoArray(out, o + BLOCK + H);
            c0.intoArray(out, o + 2 * BLOCK);
            c1.intoArray(out, o + 2 * BLOCK + H);
            d0.intoArray(out, o + 3 * BLOCK);
            d1.intoArray(out, o + 3 * BLOCK + H);
        }
    }

    @Override
    public void layerNorm(double[] z, int base, double[] sd, int first) {
        if (moments(z, base, sd, first)) {
            normaliseByReciprocal(z, base, sd, first);
        } else {
            normaliseByDivision(z, base, sd, first);
        }
    }

    /**
     * Each sample's mean to {@link #means} and sqrt(var + eps) to {@code sd}; whether every
     * centred value and sd is in the range where {@link MarksteinQuotient} divides.
     */
    private boolean moments(double[] z, int base, double[] sd, int first) {
        DoubleVector m0 = DoubleVector.zero(LANES);
        DoubleVector m1 = m0;
        for (int k = 0; k < WIDTH; k++) {
            int o = base + k * BLOCK;
            m0 = m0.add(DoubleVector.fromArray(LANES, z, o));
            m1 = m1.add(DoubleVector.fromArray(LANES, z, o + H));
        }
        m0 = m0.div(WIDTH);
        m1 = m1.div(WIDTH);
        m0.intoArray(means, 0);
        m1.intoArray(means, H);
        DoubleVector v0 = DoubleVector.zero(LANES);
        DoubleVector v1 = v0;
        // Which lanes stayed in the quotient's range, as a mask: the vector min and max of the
        // magnitudes it replaces cost, as a chain through the pass, more than the arithmetic.
        VectorMask<Double> divides = LANES.maskAll(true);
        for (int k = 0; k < WIDTH; k++) {
            int o = base + k * BLOCK;
            DoubleVector c0 = DoubleVector.fromArray(LANES, z, o).sub(m0);
            DoubleVector c1 = DoubleVector.fromArray(LANES, z, o + H).sub(m1);
            v0 = v0.add(c0.mul(c0));
            v1 = v1.add(c1.mul(c1));
            DoubleVector b0 = c0.abs();
            DoubleVector b1 = c1.abs();
            divides = divides.and(b0.compare(VectorOperators.GE, MarksteinQuotient.SMALLEST))
                    .and(b0.compare(VectorOperators.LE, MarksteinQuotient.LARGEST))
                    .and(b1.compare(VectorOperators.GE, MarksteinQuotient.SMALLEST))
                    .and(b1.compare(VectorOperators.LE, MarksteinQuotient.LARGEST));
        }
        DoubleVector s0 = v0.div(WIDTH).add(SiMlp.LAYER_NORM_EPS).sqrt();
        DoubleVector s1 = v1.div(WIDTH).add(SiMlp.LAYER_NORM_EPS).sqrt();
        s0.intoArray(sd, first);
        s1.intoArray(sd, first + H);
        return divides.and(s0.compare(VectorOperators.GE, MarksteinQuotient.SMALLEST))
                .and(s0.compare(VectorOperators.LE, MarksteinQuotient.LARGEST))
                .and(s1.compare(VectorOperators.GE, MarksteinQuotient.SMALLEST))
                .and(s1.compare(VectorOperators.LE, MarksteinQuotient.LARGEST)).allTrue();
    }

    private void normaliseByReciprocal(double[] z, int base, double[] sd, int first) {
        DoubleVector m0 = DoubleVector.fromArray(LANES, means, 0);
        DoubleVector m1 = DoubleVector.fromArray(LANES, means, H);
        DoubleVector s0 = DoubleVector.fromArray(LANES, sd, first);
        DoubleVector s1 = DoubleVector.fromArray(LANES, sd, first + H);
        DoubleVector n0 = s0.neg();
        DoubleVector n1 = s1.neg();
        DoubleVector y0 = DoubleVector.broadcast(LANES, 1.0).div(s0);
        DoubleVector y1 = DoubleVector.broadcast(LANES, 1.0).div(s1);
        for (int k = 0; k < WIDTH; k++) {
            int o = base + k * BLOCK;
            DoubleVector c0 = DoubleVector.fromArray(LANES, z, o).sub(m0);
            DoubleVector c1 = DoubleVector.fromArray(LANES, z, o + H).sub(m1);
            DoubleVector q0 = c0.mul(y0);
            DoubleVector q1 = c1.mul(y1);
            q0 = q0.fma(n0, c0).fma(y0, q0);
            q1 = q1.fma(n1, c1).fma(y1, q1);
            q0.fma(n0, c0).fma(y0, q0).intoArray(z, o);
            q1.fma(n1, c1).fma(y1, q1).intoArray(z, o + H);
        }
    }

    private void normaliseByDivision(double[] z, int base, double[] sd, int first) {
        DoubleVector m0 = DoubleVector.fromArray(LANES, means, 0);
        DoubleVector m1 = DoubleVector.fromArray(LANES, means, H);
        DoubleVector s0 = DoubleVector.fromArray(LANES, sd, first);
        DoubleVector s1 = DoubleVector.fromArray(LANES, sd, first + H);
        for (int k = 0; k < WIDTH; k++) {
            int o = base + k * BLOCK;
            DoubleVector.fromArray(LANES, z, o).sub(m0).div(s0).intoArray(z, o);
            DoubleVector.fromArray(LANES, z, o + H).sub(m1).div(s1).intoArray(z, o + H);
        }
    }

    @Override
    public void head(double[] a2, double[] v, double[] scores, int base, int first) {
        DoubleVector zero = DoubleVector.zero(LANES);
        DoubleVector l0 = zero;
        DoubleVector l1 = l0;
        for (int k = 0; k < WIDTH; k++) {
            double vk = v[k];
            int o = base + k * BLOCK;
            DoubleVector x0 = DoubleVector.fromArray(LANES, a2, o);
            DoubleVector x1 = DoubleVector.fromArray(LANES, a2, o + H);
            l0 = l0.add(x0.blend(zero, x0.compare(VectorOperators.LE, 0.0)).mul(vk));
            l1 = l1.add(x1.blend(zero, x1.compare(VectorOperators.LE, 0.0)).mul(vk));
        }
        l0.intoArray(scores, first);
        l1.intoArray(scores, first + H);
    }

    @Override
    public void headGradient(double[] a2, double[] ds, double[] v, double[] da, int base, int first) {
        DoubleVector zero = DoubleVector.zero(LANES);
        DoubleVector d0 = DoubleVector.fromArray(LANES, ds, first);
        DoubleVector d1 = DoubleVector.fromArray(LANES, ds, first + H);
        for (int k = 0; k < WIDTH; k++) {
            double vk = v[k];
            int o = base + k * BLOCK;
            zero.blend(d0.mul(vk), DoubleVector.fromArray(LANES, a2, o).compare(VectorOperators.GT, 0.0))
                    .intoArray(da, o);
            zero.blend(d1.mul(vk), DoubleVector.fromArray(LANES, a2, o + H).compare(VectorOperators.GT, 0.0))
                    .intoArray(da, o + H);
        }
    }

    @Override
    public void layerNormBackward(double[] da, double[] a, double[] sd, double[] dz, int base, int first) {
        gradientMeans(da, a, base);
        if (!gradientByReciprocal(da, a, sd, dz, base, first)) {
            gradientByDivision(da, a, sd, dz, base, first);
        }
    }

    /** mean(da) to {@link #means} and mean(da·a) to {@link #products}, per sample. */
    private void gradientMeans(double[] da, double[] a, int base) {
        DoubleVector d0 = DoubleVector.zero(LANES);
        DoubleVector d1 = d0;
        DoubleVector e0 = d0;
        DoubleVector e1 = d0;
        for (int k = 0; k < WIDTH; k++) {
            int o = base + k * BLOCK;
            DoubleVector x0 = DoubleVector.fromArray(LANES, da, o);
            DoubleVector x1 = DoubleVector.fromArray(LANES, da, o + H);
            d0 = d0.add(x0);
            d1 = d1.add(x1);
            e0 = e0.add(x0.mul(DoubleVector.fromArray(LANES, a, o)));
            e1 = e1.add(x1.mul(DoubleVector.fromArray(LANES, a, o + H)));
        }
        d0.div(WIDTH).intoArray(means, 0);
        d1.div(WIDTH).intoArray(means, H);
        e0.div(WIDTH).intoArray(products, 0);
        e1.div(WIDTH).intoArray(products, H);
    }

    /**
     * dz by {@link MarksteinQuotient}; false where a dividend or an sd is out of its range (dz is
     * then written again by the division, so it must not be {@code da} or {@code a}: in
     * {@link ColumnBatch} it is its own array).
     */
    private boolean gradientByReciprocal(double[] da, double[] a, double[] sd, double[] dz, int base, int first) {
        DoubleVector d0 = DoubleVector.fromArray(LANES, means, 0);
        DoubleVector d1 = DoubleVector.fromArray(LANES, means, H);
        DoubleVector e0 = DoubleVector.fromArray(LANES, products, 0);
        DoubleVector e1 = DoubleVector.fromArray(LANES, products, H);
        DoubleVector s0 = DoubleVector.fromArray(LANES, sd, first);
        DoubleVector s1 = DoubleVector.fromArray(LANES, sd, first + H);
        DoubleVector n0 = s0.neg();
        DoubleVector n1 = s1.neg();
        DoubleVector y0 = DoubleVector.broadcast(LANES, 1.0).div(s0);
        DoubleVector y1 = DoubleVector.broadcast(LANES, 1.0).div(s1);
        VectorMask<Double> divides = s0.compare(VectorOperators.GE, MarksteinQuotient.SMALLEST)
                .and(s0.compare(VectorOperators.LE, MarksteinQuotient.LARGEST))
                .and(s1.compare(VectorOperators.GE, MarksteinQuotient.SMALLEST))
                .and(s1.compare(VectorOperators.LE, MarksteinQuotient.LARGEST));
        for (int k = 0; k < WIDTH; k++) {
            int o = base + k * BLOCK;
            DoubleVector c0 = DoubleVector.fromArray(LANES, da, o).sub(d0)
                    .sub(DoubleVector.fromArray(LANES, a, o).mul(e0));
            DoubleVector c1 = DoubleVector.fromArray(LANES, da, o + H).sub(d1)
                    .sub(DoubleVector.fromArray(LANES, a, o + H).mul(e1));
            DoubleVector q0 = c0.mul(y0);
            DoubleVector q1 = c1.mul(y1);
            q0 = q0.fma(n0, c0).fma(y0, q0);
            q1 = q1.fma(n1, c1).fma(y1, q1);
            q0.fma(n0, c0).fma(y0, q0).intoArray(dz, o);
            q1.fma(n1, c1).fma(y1, q1).intoArray(dz, o + H);
            DoubleVector b0 = c0.abs();
            DoubleVector b1 = c1.abs();
            divides = divides.and(b0.compare(VectorOperators.GE, MarksteinQuotient.SMALLEST))
                    .and(b0.compare(VectorOperators.LE, MarksteinQuotient.LARGEST))
                    .and(b1.compare(VectorOperators.GE, MarksteinQuotient.SMALLEST))
                    .and(b1.compare(VectorOperators.LE, MarksteinQuotient.LARGEST));
        }
        return divides.allTrue();
    }

    private void gradientByDivision(double[] da, double[] a, double[] sd, double[] dz, int base, int first) {
        DoubleVector d0 = DoubleVector.fromArray(LANES, means, 0);
        DoubleVector d1 = DoubleVector.fromArray(LANES, means, H);
        DoubleVector e0 = DoubleVector.fromArray(LANES, products, 0);
        DoubleVector e1 = DoubleVector.fromArray(LANES, products, H);
        DoubleVector s0 = DoubleVector.fromArray(LANES, sd, first);
        DoubleVector s1 = DoubleVector.fromArray(LANES, sd, first + H);
        for (int k = 0; k < WIDTH; k++) {
            int o = base + k * BLOCK;
            DoubleVector.fromArray(LANES, da, o).sub(d0).sub(DoubleVector.fromArray(LANES, a, o).mul(e0)).div(s0)
                    .intoArray(dz, o);
            DoubleVector.fromArray(LANES, da, o + H).sub(d1).sub(DoubleVector.fromArray(LANES, a, o + H).mul(e1))
                    .div(s1).intoArray(dz, o + H);
        }
    }
}
