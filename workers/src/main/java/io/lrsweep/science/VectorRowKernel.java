package io.lrsweep.science;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowKernel} on 256-bit vectors (and, nested, 512-bit): the 32 sums live in registers for the
 * whole sum, so each term costs eight loads, multiplies and adds and no store. Lane c adds
 * exactly the terms the scalar loop adds to sum c, in the same order, with a separate multiply
 * and add (no fused multiply-add, which rounds once instead of twice): the same bits.
 */
final class VectorRowKernel implements RowKernel {
    private static final VectorSpecies<Double> WIDE = DoubleVector.SPECIES_512;
    private static final VectorSpecies<Double> LANES = DoubleVector.SPECIES_256;

    private VectorRowKernel() {
    }

    /**
     * The kernel for this processor: eight lanes (four registers a row) where the hardware has
     * 512-bit vectors, else four lanes (eight registers); null where vectors would be emulated.
     */
    static RowKernel createIfWide() {
        int bits = DoubleVector.SPECIES_PREFERRED.vectorBitSize();
        if (bits >= WIDE.vectorBitSize()) {
            return new Wide();
        }
        return bits >= LANES.vectorBitSize() ? new VectorRowKernel() : null;
    }

    /** The 256-bit kernel whatever the processor (tests hold it to the same bits where 512 bits are used). */
    static RowKernel narrow() {
        return new VectorRowKernel();
    }

    @Override
    public void combine(double[] m, int mOffset, int[] rows, int n, double[] s, int sOffset, int sStride,
                        boolean skipZeros, double[] out, int outOffset) {
        DoubleVector a0 = DoubleVector.zero(LANES);
        DoubleVector a1 = a0;
        DoubleVector a2 = a0;
        DoubleVector a3 = a0;
        DoubleVector a4 = a0;
        DoubleVector a5 = a0;
        DoubleVector a6 = a0;
        DoubleVector a7 = a0;
        for (int t = 0; t < n; t++) {
            double w = s[sOffset + t * sStride];
            if (skipZeros && w == 0.0) {
                continue;
            }
            int row = mOffset + rows[t];
            a0 = a0.add(DoubleVector.fromArray(LANES, m, row).mul(w));
            a1 = a1.add(DoubleVector.fromArray(LANES, m, row + 4).mul(w));
            a2 = a2.add(DoubleVector.fromArray(LANES, m, row + 8).mul(w));
            a3 = a3.add(DoubleVector.fromArray(LANES, m, row + 12).mul(w));
            a4 = a4.add(DoubleVector.fromArray(LANES, m, row + 16).mul(w));
            a5 = a5.add(DoubleVector.fromArray(LANES, m, row + 20).mul(w));
            a6 = a6.add(DoubleVector.fromArray(LANES, m, row + 24).mul(w));
            a7 = a7.add(DoubleVector.fromArray(LANES, m, row + 28).mul(w));
        }
        a0.intoArray(out, outOffset);
        a1.intoArray(out, outOffset + 4);
        a2.intoArray(out, outOffset + 8);
        a3.intoArray(out, outOffset + 12);
        a4.intoArray(out, outOffset + 16);
        a5.intoArray(out, outOffset + 20);
        a6.intoArray(out, outOffset + 24);
        a7.intoArray(out, outOffset + 28);
    }

    /**
     * Four sums one after another, terms whose weight is 0 added, not skipped, as {@link Wide#combine4}
     * does (the same bits): whether a ReLU is on is a coin toss the branch predictor loses. With the
     * two selects below and {@link RowKernel}'s four-row sums, the step on an AVX2 machine (AMD
     * Zen 3) went from 26.7 to 23.2 µs (medians of four alternated pairs; README, Performance).
     */
    @Override
    public void combine4(double[] m, int mOffset, int[] rows, int n, double[] s, int sOffset, int sStride, int sNext,
                         boolean skipZeros, double[] out, int outOffset, int outNext) {
        for (int b = 0; b < 4; b++) {
            combine(m, mOffset, rows, n, s, sOffset + b * sNext, sStride, false, out, outOffset + b * outNext);
        }
    }

    @Override
    public ColumnBatch columnBatch() {
        return new ColumnBatch(this, new FourLanePasses());
    }

    @Override
    public void headGradient(double[] a, double[] d, double[] v, int rows, double[] dh) {
        selectHeadGradient(LANES, a, d, v, rows, dh);
    }

    @Override
    public void reluGradient(double[] a, double[] g, int n) {
        if (n % LANES.length() != 0) {
            RowKernel.super.reluGradient(a, g, n);
            return;
        }
        DoubleVector zero = DoubleVector.zero(LANES);
        for (int i = 0; i < n; i += LANES.length()) {
            zero.blend(DoubleVector.fromArray(LANES, g, i), DoubleVector.fromArray(LANES, a, i)
                    .compare(VectorOperators.GT, 0.0)).intoArray(g, i);
        }
    }

    /**
     * {@link RowKernel#headGradient} in lanes of {@code species}, selected, not branched on: whether
     * a unit is active is a coin toss the predictor loses.
     */
    private static void selectHeadGradient(VectorSpecies<Double> species, double[] a, double[] d, double[] v,
                                           int rows, double[] dh) {
        DoubleVector zero = DoubleVector.zero(species);
        int step = species.length();
        for (int r = 0; r < rows; r++) {
            int o = r * WIDTH;
            double dr = d[r];
            for (int c = 0; c < WIDTH; c += step) {
                DoubleVector active = DoubleVector.fromArray(species, v, c).mul(dr);
                zero.blend(active, DoubleVector.fromArray(species, a, o + c).compare(VectorOperators.GT, 0.0))
                        .intoArray(dh, o + c);
            }
        }
    }

    /**
     * The same sums on 512-bit vectors: four registers of eight lanes a row. Eight rows at a time,
     * the per-row sums of LayerNorm and the head run with one row in each lane (a column of the
     * block gathered per step), so eight dependent chains advance together. Stateless: one
     * instance serves every thread.
     */
    static final class Wide implements RowKernel {
        private static final int BLOCK = 8;
        /** Offsets of one column of an eight-row block. */
        private static final int[] COLUMN = {0, WIDTH, 2 * WIDTH, 3 * WIDTH, 4 * WIDTH, 5 * WIDTH, 6 * WIDTH, 7 * WIDTH};

        @Override
        public void layerNorm(double[] z, int row, int count, double[] sd) {
            if (count != BLOCK) {
                RowKernel.super.layerNorm(z, row, count, sd);
                return;
            }
            int o = row * WIDTH;
            DoubleVector mean = DoubleVector.zero(WIDE);
            for (int k = 0; k < WIDTH; k++) {
                mean = mean.add(DoubleVector.fromArray(WIDE, z, o + k, COLUMN, 0));
            }
            mean = mean.div(WIDTH);
            DoubleVector var = DoubleVector.zero(WIDE);
            for (int k = 0; k < WIDTH; k++) {
                DoubleVector c = DoubleVector.fromArray(WIDE, z, o + k, COLUMN, 0).sub(mean);
                var = var.add(c.mul(c));
            }
            var.div(WIDTH).add(SiMlp.LAYER_NORM_EPS).lanewise(VectorOperators.SQRT).intoArray(sd, row);
            for (int b = 0; b < BLOCK; b++) {
                double m = mean.lane(b);
                double s = sd[row + b];
                int at = o + b * WIDTH;
                for (int c = 0; c < WIDTH; c += BLOCK) {
                    DoubleVector.fromArray(WIDE, z, at + c).sub(m).div(s).intoArray(z, at + c);
                }
            }
        }

        @Override
        public void layerNormBackward(double[] da, double[] a, double[] sd, int row, int count, double[] dz) {
            if (count != BLOCK) {
                RowKernel.super.layerNormBackward(da, a, sd, row, count, dz);
                return;
            }
            int o = row * WIDTH;
            DoubleVector meanDa = DoubleVector.zero(WIDE);
            DoubleVector meanDaA = DoubleVector.zero(WIDE);
            for (int k = 0; k < WIDTH; k++) {
                DoubleVector d = DoubleVector.fromArray(WIDE, da, o + k, COLUMN, 0);
                meanDa = meanDa.add(d);
                meanDaA = meanDaA.add(d.mul(DoubleVector.fromArray(WIDE, a, o + k, COLUMN, 0)));
            }
            meanDa = meanDa.div(WIDTH);
            meanDaA = meanDaA.div(WIDTH);
            for (int b = 0; b < BLOCK; b++) {
                double m = meanDa.lane(b);
                double ma = meanDaA.lane(b);
                double s = sd[row + b];
                int at = o + b * WIDTH;
                for (int c = 0; c < WIDTH; c += BLOCK) {
                    DoubleVector d = DoubleVector.fromArray(WIDE, da, at + c).sub(m);
                    d.sub(DoubleVector.fromArray(WIDE, a, at + c).mul(ma)).div(s).intoArray(dz, at + c);
                }
            }
        }

        @Override
        public void headGradient(double[] a, double[] d, double[] v, int rows, double[] dh) {
            selectHeadGradient(WIDE, a, d, v, rows, dh);
        }

        /**
         * Every pass in lanes, as on the 256-bit kernel. With the eighth session's LayerNorms only
         * the training step's one block was faster in lanes on an Intel Xeon (AVX-512); since the
         * ninth session's (one division a sample) an evaluation of 2,000 samples is faster in lanes
         * too (median ~560 against ~650 µs, alternated in one process) and a gradient over 512
         * samples about equal (~367 against ~388 µs).
         */
        @Override
        public ColumnBatch columnBatch() {
            return new ColumnBatch(this, new EightLanePasses());
        }

        @Override
        public void reluGradient(double[] a, double[] g, int n) {
            if (n % BLOCK != 0) {
                RowKernel.super.reluGradient(a, g, n);
                return;
            }
            // Written out with this kernel's species, as in the 256-bit one: in a shared method
            // taking the species, the species is a constant only where C2 inlines that method;
            // compiled on its own first, its vector operations run the Java fallback.
            DoubleVector zero = DoubleVector.zero(WIDE);
            for (int i = 0; i < n; i += WIDE.length()) {
                zero.blend(DoubleVector.fromArray(WIDE, g, i), DoubleVector.fromArray(WIDE, a, i)
                        .compare(VectorOperators.GT, 0.0)).intoArray(g, i);
            }
        }

        @Override
        public void head(double[] z, int row, int count, double[] v, double[] out) {
            if (count != BLOCK) {
                RowKernel.super.head(z, row, count, v, out);
                return;
            }
            int o = row * WIDTH;
            DoubleVector logit = DoubleVector.zero(WIDE);
            for (int k = 0; k < WIDTH; k++) {
                DoubleVector h = DoubleVector.fromArray(WIDE, z, o + k, COLUMN, 0).lanewise(VectorOperators.MAX, 0.0);
                logit = logit.add(h.mul(v[k]));
            }
            logit.intoArray(out, row);
        }

        @Override
        public void combine(double[] m, int mOffset, int[] rows, int n, double[] s, int sOffset, int sStride,
                            boolean skipZeros, double[] out, int outOffset) {
            DoubleVector a0 = DoubleVector.zero(WIDE);
            DoubleVector a1 = a0;
            DoubleVector a2 = a0;
            DoubleVector a3 = a0;
            for (int t = 0; t < n; t++) {
                double w = s[sOffset + t * sStride];
                if (skipZeros && w == 0.0) {
                    continue;
                }
                int row = mOffset + rows[t];
                a0 = a0.add(DoubleVector.fromArray(WIDE, m, row).mul(w));
                a1 = a1.add(DoubleVector.fromArray(WIDE, m, row + 8).mul(w));
                a2 = a2.add(DoubleVector.fromArray(WIDE, m, row + 16).mul(w));
                a3 = a3.add(DoubleVector.fromArray(WIDE, m, row + 24).mul(w));
            }
            a0.intoArray(out, outOffset);
            a1.intoArray(out, outOffset + 8);
            a2.intoArray(out, outOffset + 16);
            a3.intoArray(out, outOffset + 24);
        }

        /**
         * Four sums at a time share each loaded row of {@code m}: sixteen accumulators, twenty-one
         * of the 32 vector registers, and 32 arithmetic operations per four loads (the step's loss
         * and gradient: 10.3 → 8.8 µs against two sums at a time). Terms whose weight is 0 are
         * added, not skipped: their product is ±0, which changes no bit of a sum that starts at +0
         * (it never becomes −0) over finite rows, and the loop stays free of branches.
         */
        @Override
        public void combine4(double[] m, int mOffset, int[] rows, int n, double[] s, int sOffset, int sStride,
                             int sNext, boolean skipZeros, double[] out, int outOffset, int outNext) {
            DoubleVector a0 = DoubleVector.zero(WIDE);
            DoubleVector a1 = a0;
            DoubleVector a2 = a0;
            DoubleVector a3 = a0;
            DoubleVector b0 = a0;
            DoubleVector b1 = a0;
            DoubleVector b2 = a0;
            DoubleVector b3 = a0;
            DoubleVector c0 = a0;
            DoubleVector c1 = a0;
            DoubleVector c2 = a0;
            DoubleVector c3 = a0;
            DoubleVector d0 = a0;
            DoubleVector d1 = a0;
            DoubleVector d2 = a0;
            DoubleVector d3 = a0;
            for (int t = 0; t < n; t++) {
                int at = sOffset + t * sStride;
                double wa = s[at];
                double wb = s[at + sNext];
                double wc = s[at + 2 * sNext];
                double wd = s[at + 3 * sNext];
                int row = mOffset + rows[t];
                DoubleVector m0 = DoubleVector.fromArray(WIDE, m, row);
                DoubleVector m1 = DoubleVector.fromArray(WIDE, m, row + 8);
                DoubleVector m2 = DoubleVector.fromArray(WIDE, m, row + 16);
                DoubleVector m3 = DoubleVector.fromArray(WIDE, m, row + 24);
                a0 = a0.add(m0.mul(wa));
                a1 = a1.add(m1.mul(wa));
                a2 = a2.add(m2.mul(wa));
                a3 = a3.add(m3.mul(wa));
                b0 = b0.add(m0.mul(wb));
                b1 = b1.add(m1.mul(wb));
                b2 = b2.add(m2.mul(wb));
                b3 = b3.add(m3.mul(wb));
                c0 = c0.add(m0.mul(wc));
                c1 = c1.add(m1.mul(wc));
                c2 = c2.add(m2.mul(wc));
                c3 = c3.add(m3.mul(wc));
                d0 = d0.add(m0.mul(wd));
                d1 = d1.add(m1.mul(wd));
                d2 = d2.add(m2.mul(wd));
                d3 = d3.add(m3.mul(wd));
            }
            // Stored here, not through a helper: a vector passed to a call that is not inlined is boxed.
            a0.intoArray(out, outOffset);
            a1.intoArray(out, outOffset + 8);
            a2.intoArray(out, outOffset + 16);
            a3.intoArray(out, outOffset + 24);
            int o = outOffset + outNext;
            b0.intoArray(out, o);
            b1.intoArray(out, o + 8);
            b2.intoArray(out, o + 16);
            b3.intoArray(out, o + 24);
            o += outNext;
            c0.intoArray(out, o);
            c1.intoArray(out, o + 8);
            c2.intoArray(out, o + 16);
            c3.intoArray(out, o + 24);
            o += outNext;
            d0.intoArray(out, o);
            d1.intoArray(out, o + 8);
            d2.intoArray(out, o + 16);
            d3.intoArray(out, o + 24);
        }
    }
}
