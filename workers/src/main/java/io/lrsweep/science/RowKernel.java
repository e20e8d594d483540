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
     * LayerNorm without affine of {@code count} consecutive 32-wide rows from row {@code row}, in
     * place: each row to zero mean and unit (biased) variance; sqrt(var + eps) of row i to sd[i].
     * Each row's sums run over its entries in order, as in the first implementation.
     */
    default void layerNorm(double[] z, int row, int count, double[] sd) {
        for (int r = row; r < row + count; r++) {
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
            var /= WIDTH;
            double s = Math.sqrt(var + SiMlp.LAYER_NORM_EPS);
            for (int k = 0; k < WIDTH; k++) {
                z[o + k] = (z[o + k] - mean) / s;
            }
            sd[r] = s;
        }
    }

    /** The LayerNorm's backward pass for the same rows: dz = (da − mean(da) − a·mean(da·a)) / sd. */
    default void layerNormBackward(double[] da, double[] a, double[] sd, int row, int count, double[] dz) {
        for (int r = row; r < row + count; r++) {
            int o = r * WIDTH;
            double meanDa = 0;
            double meanDaA = 0;
            for (int k = 0; k < WIDTH; k++) {
                meanDa += da[o + k];
                meanDaA += da[o + k] * a[o + k];
            }
            meanDa /= WIDTH;
            meanDaA /= WIDTH;
            double s = sd[r];
            for (int k = 0; k < WIDTH; k++) {
                dz[o + k] = (da[o + k] - meanDa - a[o + k] * meanDaA) / s;
            }
        }
    }

    /** The fixed head on the same rows: out[i] = Σ_k max(z[i][k], 0)·v[k], in k order. */
    default void head(double[] z, int row, int count, double[] v, double[] out) {
        for (int r = row; r < row + count; r++) {
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
