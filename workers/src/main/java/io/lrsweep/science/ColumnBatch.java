package io.lrsweep.science;

/**
 * The SI MLP's passes with the samples in vector lanes, for whole blocks of {@link #BLOCK}
 * samples: each block's activations are stored feature-major (entry [k][r] of block b at
 * b·512 + k·16 + r), so each sample's LayerNorm and head sums advance a vector of samples at a
 * time instead of one scalar chain each, and the weights are read as stored, with no transposed
 * copies. Every sum adds the same terms in the same order as {@link SiMlp}'s row-major passes, with
 * a separate multiply and add: the same bits ({@code SiMlpBitIdentityTest}). The block passes come
 * unrolled for the processor's vector width ({@link BlockPasses}); one instance per model (it owns
 * its scratch space, grown on demand). On an AVX2 machine (AMD Zen 3, four lanes) the training step
 * took 18.7 instead of 24.3 µs, and in whole blocks an evaluation of 2,000 samples ~840 instead of
 * ~1,000 µs, a gradient over 512 samples ~450 instead of ~590 µs; on an AVX-512 Xeon (eight lanes)
 * the step took 14.0 instead of 15.5 µs, an evaluation of 2,000 samples ~560 instead of ~650 µs
 * (README, Performance).
 */
final class ColumnBatch {
    /** Samples a block: the study's batch. */
    static final int BLOCK = 16;
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
    private final BlockPasses passes;

    /**
     * @param kernel the row-major kernel, for the first ReLU's gradient (the same select)
     * @param passes the block passes for this processor's vector width
     */
    ColumnBatch(RowKernel kernel, BlockPasses passes) {
        this.kernel = kernel;
        this.passes = passes;
        grow(1);
    }

    /** Whether the passes over {@code rows} samples run here: whole blocks. */
    boolean takes(int rows) {
        return rows > 0 && rows % BLOCK == 0;
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
            passes.headGradient(a2, ds, v, da, base, b * BLOCK);
            passes.layerNormBackward(da, a2, sd2, dz, base, b * BLOCK);
            for (int j = 0; j < WIDTH; j++) {
                for (int r = 0; r < BLOCK; r++) {
                    h1[(b * BLOCK + r) * WIDTH + j] = h1t[base + j * BLOCK + r];
                }
            }
        }
        weightGradient(h1, n, gradient, W2_OFFSET);
        // Back through the second layer, then the first ReLU: da[j][r] = Σ_k W2[k][j]·dz[k][r].
        for (int b = 0; b < n; b++) {
            passes.layer(si, W2_OFFSET, 1, WIDTH, dz, da, b * SLAB);
        }
        kernel.reluGradient(a1, da, n * SLAB);
        for (int b = 0; b < n; b++) {
            passes.layerNormBackward(da, a1, sd1, dz, b * SLAB, b * BLOCK);
        }
        weightGradient(x, n, gradient, 0);
        return loss / rows;
    }

    /**
     * The logits of one block: samples {@code from}…{@code from + 15} of {@code data} in order,
     * to {@code logits} from {@code at}; when {@code pattern} is not null, which of their ReLUs are
     * on, as {@link SiMlp#reluPattern} numbers them.
     */
    void logits(double[] si, double[] v, Samples data, int from, double[] logits, int at, long[] pattern) {
        System.arraycopy(data.x(), from * WIDTH, x, 0, SLAB);
        forward(si, v, 0);
        System.arraycopy(scores, 0, logits, at, BLOCK);
        if (pattern != null) {
            for (int r = 0; r < BLOCK; r++) {
                pattern[from + r] = SiMlp.reluWord(a1, a2, r, BLOCK);
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
        passes.layer(si, 0, WIDTH, 1, xt, a1, base);
        passes.layerNorm(a1, base, sd1, first);
        passes.relu(a1, h1t, base);
        passes.layer(si, W2_OFFSET, WIDTH, 1, h1t, a2, base);
        passes.layerNorm(a2, base, sd2, first);
        passes.head(a2, v, scores, base, first);
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
                passes.gradientBlock(in, dz, b, gradient, offset + half, half, b > 0);
            }
        }
    }
}
