package io.lrsweep.science;

/**
 * The SI MLP's passes over one block of {@link ColumnBatch#BLOCK} samples stored feature-major
 * (entry [k][r] at base + k·16 + r), unrolled for one vector width. Every lane adds the same terms
 * in the same order as {@link SiMlp}'s row-major passes, with a separate multiply and add, and
 * divides to the same correctly rounded quotients (the 512-bit LayerNorms through
 * {@link MarksteinQuotient}): the same bits whichever width runs them ({@code SiMlpBitIdentityTest}).
 */
sealed interface BlockPasses permits FourLanePasses, EightLanePasses {
    /**
     * The 32 outputs p of a 32×32 matrix read as stored, for the block at {@code base}:
     * out[p][r] = Σ_t w[wOffset + p·pStride + t·tStride]·in[t][r], t in order. A forward layer
     * (pStride 32, tStride 1) or the same layer's backward product (pStride 1, tStride 32).
     */
    void layer(double[] w, int wOffset, int pStride, int tStride, double[] in, double[] out, int base);

    /**
     * Block {@code b}'s terms of 16 columns of a weight gradient: out[o + k·32 + c] (+)=
     * Σ_r dz[k][r]·in[r][column + c], r in order, {@code in} row-major (samples × 32); added to what
     * {@code out} holds when {@code accumulate}, which carries a sum from block to block.
     */
    void gradientBlock(double[] in, double[] dz, int b, double[] out, int o, int column, boolean accumulate);

    /**
     * LayerNorm without affine of every sample of the block at {@code base}, in place;
     * sqrt(var + eps) of its sample r to sd[first + r].
     */
    void layerNorm(double[] z, int base, double[] sd, int first);

    /** The first ReLU, for the block at {@code base}: out[k][r] = max(a[k][r], 0). */
    void relu(double[] a, double[] out, int base);

    /** The fixed head: scores[first + r] = Σ_k max(a2[k][r], 0)·v[k], k in order. */
    void head(double[] a2, double[] v, double[] scores, int base, int first);

    /** The loss's gradient through the head and the second ReLU: da[k][r] = a2[k][r] > 0 ? ds[r]·v[k] : 0. */
    void headGradient(double[] a2, double[] ds, double[] v, double[] da, int base, int first);

    /** dz from da through a LayerNorm: (da − mean(da) − a·mean(da·a)) / sd, per sample. */
    void layerNormBackward(double[] da, double[] a, double[] sd, double[] dz, int base, int first);
}
