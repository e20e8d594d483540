package io.lrsweep.science;

/**
 * The one inner loop of the SI MLP's passes: a 32-wide output row made as a weighted sum of
 * 32-wide rows of a matrix, {@code out[c] = Σ_t s[sOffset + t·sStride] · m[mOffset + rows[t] + c]},
 * summed in t order from +0.0. Forward layers, the backward product and both weight gradients
 * are all of this shape. Implementations must give the same bits: they differ only in how many
 * of the 32 independent sums advance at once. Implementations hold no state: one instance serves
 * every model in every thread.
 */
sealed interface RowKernel permits RowKernel.Scalar, VectorRowKernel, VectorRowKernel.Wide {
    /** The row width: {@link SiMlp#HIDDEN} and {@link SiMlp#INPUT}, both 32. */
    int WIDTH = 32;

    /**
     * @param skipZeros leave out terms whose weight {@code s} is exactly 0 (the weight gradients
     *     do; a sum that starts at +0.0 never becomes −0.0, so this changes no bit for finite rows)
     */
    void combine(double[] m, int mOffset, int[] rows, int n, double[] s, int sOffset, int sStride,
                 boolean skipZeros, double[] out, int outOffset);

    /**
     * Four such sums at once over the same rows of {@code m}: sum b reads its weights from
     * {@code s} at {@code sOffset + b·sNext} and writes at {@code outOffset + b·outNext}. Each sum
     * gets the same bits as {@link #combine}; sharing the loads of {@code m} is the point.
     */
    default void combine4(double[] m, int mOffset, int[] rows, int n, double[] s, int sOffset, int sStride, int sNext,
                          boolean skipZeros, double[] out, int outOffset, int outNext) {
        for (int b = 0; b < 4; b++) {
            combine(m, mOffset, rows, n, s, sOffset + b * sNext, sStride, skipZeros, out, outOffset + b * outNext);
        }
    }

    /**
     * The passes with the samples in vector lanes ({@link ColumnBatch}) for whole blocks of 16
     * samples, as many blocks as they are faster for at this kernel's width; null where the
     * row-major passes are always the faster ones.
     */
    default ColumnBatch columnBatch() {
        return null;
    }

    /**
     * LayerNorm without affine of {@code count} consecutive 32-wide rows from row {@code row}, in
     * place: each row to zero mean and unit (biased) variance; sqrt(var + eps) of row i to sd[i].
     * Each row's sums run over its entries in order, as in the first implementation; four rows at a
     * time, so that four dependent chains of adds advance together instead of one: a chain waits
     * on each add's latency, several keep the adders busy (where no 512-bit kernel does it in
     * lanes; on an AVX2 machine the step took 21.9 instead of 22.9 µs, medians of four pairs).
     */
    default void layerNorm(double[] z, int row, int count, double[] sd) {
        int r = row;
        for (; r + 4 <= row + count; r += 4) {
            int o0 = r * WIDTH;
            int o1 = o0 + WIDTH;
            int o2 = o1 + WIDTH;
            int o3 = o2 + WIDTH;
            double m0 = 0;
            double m1 = 0;
            double m2 = 0;
            double m3 = 0;
            for (int k = 0; k < WIDTH; k++) {
                m0 += z[o0 + k];
                m1 += z[o1 + k];
                m2 += z[o2 + k];
                m3 += z[o3 + k];
            }
            m0 /= WIDTH;
            m1 /= WIDTH;
            m2 /= WIDTH;
            m3 /= WIDTH;
            double v0 = 0;
            double v1 = 0;
            double v2 = 0;
            double v3 = 0;
            for (int k = 0; k < WIDTH; k++) {
                double c0 = z[o0 + k] - m0;
                double c1 = z[o1 + k] - m1;
                double c2 = z[o2 + k] - m2;
                double c3 = z[o3 + k] - m3;
                v0 += c0 * c0;
                v1 += c1 * c1;
                v2 += c2 * c2;
                v3 += c3 * c3;
            }
            sd[r] = normalise(z, o0, m0, v0);
            sd[r + 1] = normalise(z, o1, m1, v1);
            sd[r + 2] = normalise(z, o2, m2, v2);
            sd[r + 3] = normalise(z, o3, m3, v3);
        }
        for (; r < row + count; r++) {
            int o = r * WIDTH;
            double mean = 0;
            for (int k = 0; k < WIDTH; k++) {
                mean += z[o + k];
            }
            mean /= WIDTH;
            double var = 0;
            for (int k = 0; k < WIDTH; k++) {
                double c = z[o + k] - mean;
                var += c * c;
            }
            sd[r] = normalise(z, o, mean, var);
        }
    }

    /** The row at {@code o} to (z − mean) / sqrt(var/32 + eps), {@code var} the sum of squares; returns that root. */
    private static double normalise(double[] z, int o, double mean, double var) {
        double s = Math.sqrt(var / WIDTH + SiMlp.LAYER_NORM_EPS);
        for (int k = 0; k < WIDTH; k++) {
            z[o + k] = (z[o + k] - mean) / s;
        }
        return s;
    }

    /**
     * The LayerNorm's backward pass for the same rows: dz = (da − mean(da) − a·mean(da·a)) / sd;
     * two rows at a time (four chains), as {@link #layerNorm} does.
     */
    default void layerNormBackward(double[] da, double[] a, double[] sd, int row, int count, double[] dz) {
        int r = row;
        for (; r + 2 <= row + count; r += 2) {
            int o0 = r * WIDTH;
            int o1 = o0 + WIDTH;
            double d0 = 0;
            double d1 = 0;
            double e0 = 0;
            double e1 = 0;
            for (int k = 0; k < WIDTH; k++) {
                double x0 = da[o0 + k];
                double x1 = da[o1 + k];
                d0 += x0;
                d1 += x1;
                e0 += x0 * a[o0 + k];
                e1 += x1 * a[o1 + k];
            }
            backward(da, a, o0, d0 / WIDTH, e0 / WIDTH, sd[r], dz);
            backward(da, a, o1, d1 / WIDTH, e1 / WIDTH, sd[r + 1], dz);
        }
        for (; r < row + count; r++) {
            int o = r * WIDTH;
            double meanDa = 0;
            double meanDaA = 0;
            for (int k = 0; k < WIDTH; k++) {
                meanDa += da[o + k];
                meanDaA += da[o + k] * a[o + k];
            }
            backward(da, a, o, meanDa / WIDTH, meanDaA / WIDTH, sd[r], dz);
        }
    }

    private static void backward(double[] da, double[] a, int o, double meanDa, double meanDaA, double s, double[] dz) {
        for (int k = 0; k < WIDTH; k++) {
            dz[o + k] = (da[o + k] - meanDa - a[o + k] * meanDaA) / s;
        }
    }

    /** The fixed head on the same rows: out[i] = Σ_k max(z[i][k], 0)·v[k], in k order; four rows at a time. */
    default void head(double[] z, int row, int count, double[] v, double[] out) {
        int r = row;
        for (; r + 4 <= row + count; r += 4) {
            int o0 = r * WIDTH;
            int o1 = o0 + WIDTH;
            int o2 = o1 + WIDTH;
            int o3 = o2 + WIDTH;
            double l0 = 0;
            double l1 = 0;
            double l2 = 0;
            double l3 = 0;
            for (int k = 0; k < WIDTH; k++) {
                double vk = v[k];
                l0 += Math.max(z[o0 + k], 0.0) * vk;
                l1 += Math.max(z[o1 + k], 0.0) * vk;
                l2 += Math.max(z[o2 + k], 0.0) * vk;
                l3 += Math.max(z[o3 + k], 0.0) * vk;
            }
            out[r] = l0;
            out[r + 1] = l1;
            out[r + 2] = l2;
            out[r + 3] = l3;
        }
        for (; r < row + count; r++) {
            int o = r * WIDTH;
            double logit = 0;
            for (int k = 0; k < WIDTH; k++) {
                logit += Math.max(z[o + k], 0.0) * v[k];
            }
            out[r] = logit;
        }
    }

    /** The head's gradient through the second ReLU: dh[r][k] = a[r][k] > 0 ? d[r]·v[k] : 0, for {@code rows} rows. */
    default void headGradient(double[] a, double[] d, double[] v, int rows, double[] dh) {
        for (int r = 0; r < rows; r++) {
            int o = r * WIDTH;
            double dr = d[r];
            for (int k = 0; k < WIDTH; k++) {
                dh[o + k] = a[o + k] > 0 ? dr * v[k] : 0.0;
            }
        }
    }

    /** A gradient through a ReLU, in place: g[i] = a[i] > 0 ? g[i] : 0 for the first {@code n} entries. */
    default void reluGradient(double[] a, double[] g, int n) {
        for (int i = 0; i < n; i++) {
            g[i] = a[i] > 0 ? g[i] : 0.0;
        }
    }

    /**
     * The Vector API's kernel when the JVM has the {@code jdk.incubator.vector} module and 256-bit
     * or wider vectors (measured 4× faster on the step); else the plain loop.
     */
    static RowKernel best() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            RowKernel vector = VectorRowKernel.createIfWide();
            if (vector != null) {
                return vector;
            }
        }
        return new Scalar();
    }

    /** Plain Java: the 32 sums advance together, one term at a time. */
    final class Scalar implements RowKernel {
        @Override
        public void combine(double[] m, int mOffset, int[] rows, int n, double[] s, int sOffset, int sStride,
                            boolean skipZeros, double[] out, int outOffset) {
            for (int c = 0; c < WIDTH; c++) {
                out[outOffset + c] = 0.0;
            }
            for (int t = 0; t < n; t++) {
                double w = s[sOffset + t * sStride];
                if (skipZeros && w == 0.0) {
                    continue;
                }
                int row = mOffset + rows[t];
                for (int c = 0; c < WIDTH; c++) {
                    out[outOffset + c] += m[row + c] * w;
                }
            }
        }
    }
}
