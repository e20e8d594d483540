package io.lrsweep.science;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast SI MLP (loops ordered for the JIT's vector units, fused update and projection) gives the
 * same bits as the row-at-a-time implementation it replaced, kept as {@link ReferenceSiMlp}: every
 * gradient, loss, logit and whole training trajectory, in all three regimes. Whole blocks of 16
 * samples (the study's batch) take the passes with samples in lanes ({@link ColumnBatch}; the
 * 512-bit kernel one block only), the rest the row-major ones: all are held to the reference here.
 */
class SiMlpBitIdentityTest {
    private final Samples train = TickData.train(7, 512);

    /** Gaussian SI weights on the unit sphere, with one row of W1 zero when asked (dead units, zero gradients). */
    private static Weights randomWeights(long seed, boolean deadUnit) {
        SeededRandom rng = new SeededRandom(seed);
        double[] si = new double[SiMlp.SI_PARAMETERS];
        for (int i = 0; i < si.length; i++) {
            si[i] = rng.nextGaussian();
        }
        if (deadUnit) {
            Arrays.fill(si, 5 * SiMlp.INPUT, 6 * SiMlp.INPUT, 0.0);
        }
        SphereProjection.project(si, SiMlp.RHO);
        double[] head = new double[SiMlp.HIDDEN];
        for (int i = 0; i < head.length; i++) {
            head[i] = rng.uniform(-1, 1);
        }
        return new Weights(si, head);
    }

    /**
     * The kernel this JVM uses, the 512-bit one (emulated where the processor has no such
     * vectors, still the same bits), the 256-bit one and the plain one.
     */
    static List<SiMlp> models() {
        return List.of(new SiMlp(), new SiMlp(new VectorRowKernel.Wide()), new SiMlp(VectorRowKernel.narrow()),
                new SiMlp(new RowKernel.Scalar()));
    }

    @Test
    void bothVectorKernelsTakeWholeBlocksOfTheStudysBatchWithSamplesInLanes() {
        ColumnBatch narrow = VectorRowKernel.narrow().columnBatch();
        ColumnBatch wide = new VectorRowKernel.Wide().columnBatch();
        assertThat(ColumnBatch.BLOCK).as("the study's batch size").isEqualTo(16);
        assertThat(narrow.takes(16)).isTrue();
        assertThat(wide.takes(16)).isTrue();
        assertThat(narrow.takes(512)).isTrue();
        assertThat(wide.takes(512)).isTrue();
        assertThat(narrow.takes(8)).isFalse();
        assertThat(wide.takes(2008)).as("the row-major passes take what is left over").isFalse();
        assertThat(new RowKernel.Scalar().columnBatch()).isNull();
    }

    /**
     * Both widths' block passes over many blocks, whichever width this processor has: the other
     * width's carrying of weight-gradient sums from block to block is held to the reference too.
     */
    @Test
    void bothBlockPassesCarryWeightGradientsAcrossBlocksWithTheReferenceBits() {
        ReferenceSiMlp reference = new ReferenceSiMlp();
        int[] order = new SeededRandom(5).permutation(train.count());
        List<ColumnBatch> batches = List.of(
                new ColumnBatch(VectorRowKernel.narrow(), new FourLanePasses()),
                new ColumnBatch(new VectorRowKernel.Wide(), new EightLanePasses()));
        for (ColumnBatch lanes : batches) {
            for (long seed = 30; seed < 32; seed++) {
                Weights w = randomWeights(seed, seed == 31);
                for (int rows : new int[] {32, 512, 16, 64}) {
                    double[] g1 = new double[SiMlp.SI_PARAMETERS];
                    double[] g2 = new double[SiMlp.SI_PARAMETERS];
                    int[] c1 = new int[1];
                    int[] c2 = new int[1];
                    double l1 = lanes.lossAndGradient(w.si(), w.head(), train, order, 0, rows, g1, c1);
                    double l2 = reference.lossAndGradient(w, train, order, 0, rows, g2, c2);
                    assertThat(Double.doubleToRawLongBits(l1)).as("loss, seed %d rows %d", seed, rows)
                            .isEqualTo(Double.doubleToRawLongBits(l2));
                    assertThat(bits(g1)).as("gradient, seed %d rows %d", seed, rows).isEqualTo(bits(g2));
                    assertThat(c1[0]).isEqualTo(c2[0]);
                }
            }
        }
    }

    @Test
    void theTestJvmHasAVectorKernel() {
        // The build adds jdk.incubator.vector to the test JVMs; without it the tests below would
        // compare only the plain loop.
        assertThat(RowKernel.best()).isNotInstanceOf(RowKernel.Scalar.class);
    }

    @ParameterizedTest
    @MethodSource("models")
    void gradientsLossesAndCountsAreBitIdentical(SiMlp fast) {
        ReferenceSiMlp reference = new ReferenceSiMlp();
        int[] order = new SeededRandom(3).permutation(train.count());
        int compared = 0;
        for (long seed = 0; seed < 6; seed++) {
            Weights w = randomWeights(seed, seed % 2 == 1);
            // Batch sizes the study uses (16), other multiples of 16 (in lanes, block after block) and
            // others (row-major), from several places of a permutation; the same instances are
            // reused across sizes, as a training run reuses its scratch space.
            for (int rows : new int[] {16, 1, 7, 16, 64, 40, 16}) {
                int from = (int) (seed * 37 % (train.count() - rows));
                double[] g1 = new double[SiMlp.SI_PARAMETERS];
                double[] g2 = new double[SiMlp.SI_PARAMETERS];
                int[] c1 = new int[1];
                int[] c2 = new int[1];
                double l1 = fast.lossAndGradient(w, train, order, from, rows, g1, c1);
                double l2 = reference.lossAndGradient(w, train, order, from, rows, g2, c2);
                assertThat(Double.doubleToRawLongBits(l1)).as("loss, seed %d rows %d", seed, rows)
                        .isEqualTo(Double.doubleToRawLongBits(l2));
                assertThat(bits(g1)).as("gradient, seed %d rows %d", seed, rows).isEqualTo(bits(g2));
                assertThat(c1[0]).isEqualTo(c2[0]);
                compared++;
            }
        }
        assertThat(compared).isEqualTo(42);
    }

    @ParameterizedTest
    @MethodSource("models")
    void fullDataGradientsAndReluPatternsAreBitIdentical(SiMlp fast) {
        // What the sharpness differentiates: the gradient over all 512 training samples (32 blocks
        // whose weight gradients sum across blocks), and which ReLUs are on over a set of 1,000
        // samples (62 blocks and 8 row-major samples).
        Samples probe = TickData.test(9, 1000);
        ReferenceSiMlp reference = new ReferenceSiMlp();
        SiMlp plain = new SiMlp(new RowKernel.Scalar());
        int[] identity = new int[train.count()];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
        for (long seed = 20; seed < 22; seed++) {
            Weights w = randomWeights(seed, seed == 21);
            double[] expected = new double[SiMlp.SI_PARAMETERS];
            reference.lossAndGradient(w, train, identity, 0, train.count(), expected, new int[1]);
            assertThat(bits(fast.fullGradient(w.si(), w.head(), train))).as("seed %d", seed).isEqualTo(bits(expected));
            var pattern = fast.reluPattern(w.si(), w.head(), probe);
            assertThat(pattern).isEqualTo(plain.reluPattern(w.si(), w.head(), probe))
                    .isEqualTo(reference.reluPattern(w, probe));
            assertThat(pattern.cardinality()).as("some ReLUs on, some off").isBetween(1, 2 * 1000 * SiMlp.HIDDEN - 1);
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void logitsAndEvaluationsAreBitIdentical(SiMlp fast) {
        Samples test = TickData.test(7, 2000);
        ReferenceSiMlp reference = new ReferenceSiMlp();
        for (long seed = 10; seed < 13; seed++) {
            Weights w = randomWeights(seed, seed == 11);
            // A small set first, then a large one, then the small again: scratch space grows and is
            // reused; the last leaves 8 samples after its whole blocks.
            for (Samples s : new Samples[] {train, test, train, TickData.test(8, 1000)}) {
                Evaluation a = fast.evaluate(w, s);
                Evaluation b = reference.evaluate(w, s);
                assertThat(Double.doubleToRawLongBits(a.loss())).isEqualTo(Double.doubleToRawLongBits(b.loss()));
                assertThat(a.accuracy()).isEqualTo(b.accuracy());
            }
        }
    }

    @Test
    void trainingTrajectoriesAreBitIdenticalInEveryRegime() {
        // ELRs from convergence (1e-4) through the chaotic equilibrium to divergence (1.0); 600
        // iterations cross 18 epoch boundaries and end inside an epoch.
        var w = SiMlp.initialise(4);
        for (double elr : new double[] {1e-4, 3.16e-3, 1.78e-2, 0.1, 1.0}) {
            var schedule = new ProjectedSgd.Schedule(600, new Elr(elr), 16, 100);
            TrainingState fast = ProjectedSgd.train(TrainingState.start(w), train, 11, schedule, TrainingListener.NONE);
            TrainingState reference = ReferenceSiMlp.train(TrainingState.start(w), train, 11, schedule);
            assertThat(fast.sameAs(reference)).as("ELR %s", elr).isTrue();
            assertThat(fast.weights().si()).isNotEqualTo(w.si());
        }
    }

    private static long[] bits(double[] a) {
        long[] b = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Double.doubleToRawLongBits(a[i]);
        }
        return b;
    }

    @Test
    void runsInParallelThreadsGiveTheSameBitsAsAlone() throws Exception {
        // A worker trains two branches at once with the same (shared) kernel: any state in it would
        // mix the runs. Each thread's trajectory must equal the reference computed alone.
        var schedule = new ProjectedSgd.Schedule(400, new Elr(1.78e-2), 16, 100);
        List<TrainingState> expected = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            expected.add(ReferenceSiMlp.train(TrainingState.start(SiMlp.initialise(30 + t)), train, t, schedule));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            List<Future<TrainingState>> runs = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int seed = t;
                runs.add(pool.submit(() -> ProjectedSgd.train(TrainingState.start(SiMlp.initialise(30 + seed)), train,
                        seed, schedule, TrainingListener.NONE)));
            }
            for (int t = 0; t < 3; t++) {
                assertThat(runs.get(t).get().sameAs(expected.get(t))).as("thread %d", t).isTrue();
            }
        }
    }
}
