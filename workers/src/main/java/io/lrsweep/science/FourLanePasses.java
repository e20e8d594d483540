package io.lrsweep.science;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link BlockPasses} on 256-bit vectors: a block's 16 samples are four vectors of four, and each
 * output's sum keeps four accumulators, two outputs at a time sharing the loads of the input.
 */
final class FourLanePasses implements BlockPasses {
    private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_256;
    private static final int WIDTH = SiMlp.HIDDEN;
    private static final int BLOCK = ColumnBatch.BLOCK;
    private static final int SLAB = WIDTH * BLOCK;

    @Override
    public void relu(double[] a, double[] out, int base) {
        // As EightLanePasses: a comparison and a blend, Math.max(a, 0.0)'s bits.
        DoubleVector zero = DoubleVector.zero(LANES);
        for (int i = base; i < base + SLAB; i += LANES.length()) {
            DoubleVector x = DoubleVector.fromArray(LANES, a, i);
            x.blend(zero, x.compare(VectorOperators.LE, 0.0)).intoArray(out, i);
        }
    }

    @Override
    public void gradientBlock(double[] in, double[] dz, int b, double[] out, int o, int column, boolean accumulate) {
        // Two rows k at a time share the loads of the input. This is layer's loop with constant
        // strides: one loop for both, strides as parameters, spilled its indices to the stack and
        // checked every access, and the step took ~10 % longer.
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

    @Override
    public void layer(double[] w, int wOffset, int pStride, int tStride, double[] in, double[] out, int base) {
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

    @Override
    public void layerNorm(double[] z, int base, double[] sd, int first) {
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

    @Override
    public void head(double[] a2, double[] v, double[] scores, int base, int first) {
        DoubleVector zero = DoubleVector.zero(LANES);
        DoubleVector l0 = zero;
        DoubleVector l1 = l0;
        DoubleVector l2 = l0;
        DoubleVector l3 = l0;
        for (int k = 0; k < WIDTH; k++) {
            double vk = v[k];
            int o = base + k * BLOCK;
            DoubleVector x0 = DoubleVector.fromArray(LANES, a2, o);
            l0 = l0.add(x0.blend(zero, x0.compare(VectorOperators.LE, 0.0)).mul(vk));
            DoubleVector x1 = DoubleVector.fromArray(LANES, a2, o + 4);
            l1 = l1.add(x1.blend(zero, x1.compare(VectorOperators.LE, 0.0)).mul(vk));
            DoubleVector x2 = DoubleVector.fromArray(LANES, a2, o + 8);
            l2 = l2.add(x2.blend(zero, x2.compare(VectorOperators.LE, 0.0)).mul(vk));
            DoubleVector x3 = DoubleVector.fromArray(LANES, a2, o + 12);
            l3 = l3.add(x3.blend(zero, x3.compare(VectorOperators.LE, 0.0)).mul(vk));
        }
        l0.intoArray(scores, first);
        l1.intoArray(scores, first + 4);
        l2.intoArray(scores, first + 8);
        l3.intoArray(scores, first + 12);
    }

    @Override
    public void headGradient(double[] a2, double[] ds, double[] v, double[] da, int base, int first) {
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

    @Override
    public void layerNormBackward(double[] da, double[] a, double[] sd, double[] dz, int base, int first) {
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
