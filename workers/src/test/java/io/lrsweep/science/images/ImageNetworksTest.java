package io.lrsweep.science.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.lrsweep.science.SeededRandom;
import io.lrsweep.science.TrainingListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImageNetworksTest {
    private static NDManager manager;

    @BeforeAll
    static void engine() {
        manager = Torch.engine().newBaseManager(Device.cpu());
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static ImageSet randomImages(String name, int n, int channels, int classes, long seed) {
        SeededRandom r = new SeededRandom(seed);
        float[] pixels = new float[n * channels * 32 * 32];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = r.nextInt(classes);
            for (int j = 0; j < channels * 1024; j++) {
                // A class-dependent brightness, so that there is something to learn.
                pixels[i * channels * 1024 + j] = (float) Math.min(1, Math.max(0, 0.3 + 0.05 * labels[i]
                        + 0.2 * r.nextGaussian()));
            }
        }
        return new ImageSet(name, pixels, labels, channels, 32, 32, classes);
    }

    private static NetworkSpec spec(String model, int width) {
        return new NetworkSpec(NetworkSpec.Architecture.of(model), width, 3, 10);
    }

    @Test
    void siParameterCountsAreThePapers() {
        try (Network convnet = Network.create(spec("si-convnet", 32), manager, 1);
             Network resnet = Network.create(spec("si-resnet18", 32), manager, 1)) {
            assertThat(convnet.siParameterCount()).isEqualTo(387_936);
            assertThat(resnet.siParameterCount()).isEqualTo(2_790_240);
        }
    }

    /**
     * The practical ResNet-18 (c = 64) has the 11,171,146 trainable parameters of the reference
     * pre-activation ResNet-18 for CIFAR-10 (conv1x1 shortcuts on the pre-activated input, no BN of
     * their own), plus the 1,024 of the head's BN that the authors' variant adds before pooling.
     */
    @Test
    void thePracticalResNetHasTheReferenceParameterCountAndNoShortcutNorm() {
        try (Network resnet = Network.create(spec("resnet18", 64), manager, 1)) {
            long trainable = resnet.tensors().stream().filter(t -> t.role().trained())
                    .mapToLong(t -> t.array().getShape().size()).sum();
            assertThat(trainable).isEqualTo(11_171_146 + 1_024);
            assertThat(resnet.tensors()).noneMatch(t -> t.name().contains("shortcut.bn"));
        }
    }

    @Test
    void initialisationPutsSiWeightsOnTheSphereAndTheHeadAtNormTen() {
        for (String model : List.of("si-convnet", "si-resnet18")) {
            try (Network net = Network.create(spec(model, 4), manager, 3)) {
                assertThat(SiSphere.normOf(net)).isCloseTo(net.spec().architecture().rho(), within(1e-4));
                var head = net.tensors().stream().filter(t -> t.role() == TensorRole.FIXED).findFirst().orElseThrow();
                double norm = head.array().toType(DataType.FLOAT64, false).square().sum().sqrt().getDouble();
                assertThat(norm).isCloseTo(NetworkSpec.HEAD_NORM, within(1e-4));
            }
        }
    }

    @Test
    void lossWithTrainModeBatchNormIsUnchangedWhenSiWeightsAreTripled() {
        ImageSet images = randomImages("x", 16, 3, 10, 5);
        for (String model : List.of("si-convnet", "si-resnet18")) {
            try (Network net = Network.create(spec(model, 4), manager, 7);
                 NDManager m = manager.newSubManager();
                 TensorData data = TensorData.upload(m, images, Normalization.CIFAR)) {
                double before = loss(net, data);
                for (var t : net.tensors()) {
                    if (t.role() == TensorRole.SI) {
                        t.array().muli(3);
                    }
                }
                double after = loss(net, data);
                assertThat(Math.abs(after - before) / before).as(model).isLessThan(1e-4);
                // Control: scaling the fixed head does change the loss, so the check can fail.
                net.tensors().stream().filter(t -> t.role() == TensorRole.FIXED).forEach(t -> t.array().muli(3));
                assertThat(Math.abs(loss(net, data) - before) / before).isGreaterThan(1e-3);
            }
        }
    }

    private static double loss(Network net, TensorData data) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray[] b = data.slice(0, data.count());
            return CrossEntropy.mean(net.forward(b[0], BnMode.BATCH), b[1]).getFloat();
        }
    }

    @Test
    void everyStepKeepsTheSiNormAtRhoAndNeverMovesTheHead() {
        ImageSet images = randomImages("train", 64, 3, 10, 11);
        for (String model : List.of("si-convnet", "si-resnet18")) {
            try (Network net = Network.create(spec(model, 4), manager, 2);
                 NDManager m = manager.newSubManager();
                 TensorData data = TensorData.upload(m, images, Normalization.CIFAR)) {
                double rho = net.spec().architecture().rho();
                float[] head = net.tensors().stream().filter(t -> t.role() == TensorRole.FIXED).findFirst()
                        .orElseThrow().array().toFloatArray();
                NetworkState before = net.snapshot();
                List<Double> norms = new ArrayList<>();
                TrainingListener everyStep = new TrainingListener() {
                    @Override
                    public void onStep(long iteration, int samples, long nanos) {
                        norms.add(SiSphere.normOf(net));
                    }
                };
                ImageTraining.train(net, ImageTrainingState.start(before), data, 1,
                        EpochSchedule.onSphere(2, 16, 0.5, rho), ImageTraining.Probe.NONE, everyStep, s -> { });
                assertThat(norms).hasSize(8).allSatisfy(n -> assertThat(Math.abs(n - rho) / rho).isLessThan(1e-5));
                assertThat(net.snapshot().sameAs(before)).as("the SI weights moved").isFalse();
                float[] after = net.tensors().stream().filter(t -> t.role() == TensorRole.FIXED).findFirst()
                        .orElseThrow().array().toFloatArray();
                assertThat(after).containsExactly(head);
            }
        }
    }

    @Test
    void buildingTrainingAndEvaluatingWorkOnAFreshThreadWhereAutogradIsOn() throws Exception {
        // Worker threads are new threads, where PyTorch's grad mode starts switched on.
        ImageSet images = randomImages("train", 32, 3, 10, 13);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread worker = new Thread(() -> {
            try {
                ai.djl.pytorch.jni.JniUtils.setGradMode(true);
                try (Network net = Network.create(spec("si-convnet", 2), manager, 1);
                     NDManager m = manager.newSubManager();
                     TensorData data = TensorData.upload(m, images, Normalization.CIFAR)) {
                    ImageTraining.train(net, ImageTrainingState.start(net.snapshot()), data, 1,
                            EpochSchedule.onSphere(1, 16, 0.01, 12), ImageTraining.Probe.NONE, TrainingListener.NONE,
                            s -> { });
                    ImageEvaluation.recomputeBatchNorm(net, data, 16);
                    ImageEvaluation.evaluate(net, data, BnMode.EVAL, 16);
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        worker.start();
        worker.join();
        assertThat(failure.get()).isNull();
    }

    @Test
    void runningStatisticsFollowPyTorchMomentumPointOne() {
        try (Network net = Network.create(spec("si-convnet", 2), manager, 4);
             NDManager m = manager.newSubManager()) {
            NDArray x = m.randomNormal(new Shape(8, 3, 32, 32));
            NDArray conv0 = Network.conv(x, net.tensors().get(0).array(), 1, 1);
            double[][] stats = channelStatistics(conv0);
            double[] mean = stats[0];
            double[] var = stats[1];
            net.forward(x, BnMode.TRAIN);
            NetworkState s = net.snapshot();
            float[] runningMean = s.tensors().stream().filter(t -> t.name().equals("bn0.running_mean")).findFirst()
                    .orElseThrow().values();
            float[] runningVar = s.tensors().stream().filter(t -> t.name().equals("bn0.running_var")).findFirst()
                    .orElseThrow().values();
            for (int c = 0; c < 2; c++) {
                assertThat((double) runningMean[c]).isCloseTo(0.1 * mean[c], within(1e-5 + 1e-4 * Math.abs(mean[c])));
                assertThat((double) runningVar[c]).isCloseTo(0.9 + 0.1 * var[c], within(1e-4 * (1 + var[c])));
            }
        }
    }

    @Test
    void recomputedBatchNormStatisticsAreTheExactDataSetStatistics() {
        ImageSet images = randomImages("train", 40, 3, 10, 21);
        try (Network net = Network.create(spec("si-convnet", 2), manager, 9);
             NDManager m = manager.newSubManager();
             TensorData data = TensorData.upload(m, images, Normalization.CIFAR)) {
            // Batches of 16, 16 and 8: unequal batches, where averaging per-batch statistics would be wrong.
            ImageEvaluation.recomputeBatchNorm(net, data, 16);
            double[][] stats = channelStatistics(Network.conv(data.images(), net.tensors().get(0).array(), 1, 1));
            double[] mean = stats[0];
            double[] var = stats[1];
            NetworkState s = net.snapshot();
            float[] runningMean = tensor(s, "bn0.running_mean");
            float[] runningVar = tensor(s, "bn0.running_var");
            for (int c = 0; c < 2; c++) {
                assertThat((double) runningMean[c]).isCloseTo(mean[c], within(1e-5 * (1 + Math.abs(mean[c]))));
                assertThat((double) runningVar[c]).isCloseTo(var[c], within(1e-5 * (1 + var[c])));
            }
            // Deeper layers were recomputed too (they started at mean 0 and variance 1).
            assertThat(tensor(s, "bn3.running_var")).isNotEqualTo(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1});
        }
    }

    /** Per-channel mean and unbiased variance of N×C×H×W values, two-pass on the host in double. */
    static double[][] channelStatistics(NDArray x) {
        Shape shape = x.getShape();
        int n = (int) shape.get(0);
        int c = (int) shape.get(1);
        int hw = (int) (shape.get(2) * shape.get(3));
        float[] v = x.toFloatArray();
        double[] mean = new double[c];
        double[] var = new double[c];
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < hw; j++) {
                    s += v[(i * c + ch) * hw + j];
                }
            }
            mean[ch] = s / ((long) n * hw);
            double q = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < hw; j++) {
                    double d = v[(i * c + ch) * hw + j] - mean[ch];
                    q += d * d;
                }
            }
            var[ch] = q / ((long) n * hw - 1);
        }
        return new double[][] {mean, var};
    }

    static float[] tensor(NetworkState s, String name) {
        return s.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().values();
    }

    /** Batch 16 on the sphere for SI models, SGD with momentum and weight decay for the practical one. */
    private static EpochSchedule tinySchedule(NetworkSpec spec, int epochs) {
        return spec.architecture().scaleInvariant()
                ? EpochSchedule.onSphere(epochs, 16, 0.01, spec.architecture().rho())
                : new EpochSchedule(epochs, 16, 0.05, 0.9, 5e-4, false);
    }

    /** The end state of a run from initialisation seed 5 with data order seed 77, never interrupted. */
    private static ImageTrainingState uninterrupted(NDManager m, NetworkSpec spec, TensorData data,
                                                    EpochSchedule schedule) {
        try (Network net = Network.create(spec, m, 5)) {
            return ImageTraining.train(net, ImageTrainingState.start(net.snapshot()), data, 77, schedule,
                    ImageTraining.Probe.NONE, TrainingListener.NONE, s -> { });
        }
    }

    @Test
    void aRunRestartedFromItsEpochCheckpointEndsBitIdenticalToAnUninterruptedOne() throws IOException {
        ImageSet images = randomImages("train", 48, 3, 10, 31);
        for (NetworkSpec spec : List.of(spec("si-convnet", 4), spec("resnet18", 2))) {
            EpochSchedule schedule = tinySchedule(spec, 4);
            try (NDManager m = manager.newSubManager();
                 TensorData data = TensorData.upload(m, images, Normalization.CIFAR)) {
                ImageTrainingState straight = uninterrupted(m, spec, data, schedule);
                List<byte[]> checkpoints = new ArrayList<>();
                try (Network net = Network.create(spec, m, 5)) {
                    EpochSchedule twoEpochs = new EpochSchedule(2, schedule.batchSize(), schedule.learningRate(),
                            schedule.momentum(), schedule.weightDecay(), schedule.project());
                    ImageTraining.train(net, ImageTrainingState.start(net.snapshot()), data, 77, twoEpochs,
                            ImageTraining.Probe.NONE, TrainingListener.NONE,
                            s -> checkpoints.add(ImageCheckpointFormat.encode("owner", s)));
                }
                ImageTrainingState resumed;
                try (Network fresh = Network.create(spec, m, 999)) {
                    var saved = ImageCheckpointFormat.decode(checkpoints.get(1));
                    assertThat(saved.owner()).isEqualTo("owner");
                    assertThat(saved.state().epoch()).isEqualTo(2);
                    resumed = ImageTraining.train(fresh, saved.state(), data, 77, schedule, ImageTraining.Probe.NONE,
                            TrainingListener.NONE, s -> { });
                }
                assertThat(resumed.epoch()).isEqualTo(4);
                assertThat(resumed.sameAs(straight)).as(spec.architecture() + " resumed run is bit-identical").isTrue();
                assertThat(straight.epochLoss()).hasSize(4);
                if (!spec.architecture().scaleInvariant()) {
                    assertThat(straight.velocity()).isNotNull();
                }
            }
        }
    }

    @Test
    void aRunStoppedOnRequestInsideAnEpochResumesBitIdenticalToAnUninterruptedOne() throws IOException {
        ImageSet images = randomImages("train", 48, 3, 10, 32);
        for (NetworkSpec spec : List.of(spec("si-convnet", 4), spec("resnet18", 2))) {
            EpochSchedule schedule = tinySchedule(spec, 3);
            try (NDManager m = manager.newSubManager();
                 TensorData data = TensorData.upload(m, images, Normalization.CIFAR)) {
                ImageTrainingState straight = uninterrupted(m, spec, data, schedule);
                byte[] saved;
                int[] steps = new int[1];
                try (Network net = Network.create(spec, m, 5)) {
                    // Three batches an epoch: five steps stop in the second epoch, after its second batch.
                    ImageTrainingState stopped = ImageTraining.train(net, ImageTrainingState.start(net.snapshot()),
                            data, 77, schedule, ImageTraining.Probe.NONE, new TrainingListener() {
                                @Override
                                public void onStep(long iteration, int samples, long nanos) {
                                    steps[0]++;
                                }

                                @Override
                                public boolean stopRequested() {
                                    return steps[0] == 5;
                                }
                            }, s -> { });
                    assertThat(stopped.epoch()).isEqualTo(1);
                    assertThat(stopped.partial().batches()).isEqualTo(2);
                    assertThat(stopped.partial().correct()).isBetween(0L, 32L);
                    saved = ImageCheckpointFormat.encode("owner", stopped);
                }
                ImageTrainingState resumed;
                try (Network fresh = Network.create(spec, m, 999)) {
                    var decoded = ImageCheckpointFormat.decode(saved);
                    resumed = ImageTraining.train(fresh, decoded.state(), data, 77, schedule, ImageTraining.Probe.NONE,
                            new TrainingListener() {
                                @Override
                                public void onStep(long iteration, int samples, long nanos) {
                                    steps[0]++;
                                }
                            }, s -> { });
                }
                assertThat(steps[0]).as("no batch was trained twice").isEqualTo(3 * 3);
                assertThat(resumed.sameAs(straight)).as(spec.architecture() + " resumed run is bit-identical").isTrue();
                steps[0] = 0;
            }
        }
    }

    @Test
    void anEpochEndCheckpointKeepsTheFirstFormatAndAnInsideOneTheSecond() throws IOException {
        NetworkState one = new NetworkState(List.of(new NetworkState.Tensor("w", TensorRole.SI, new long[] {2},
                new float[] {1, 2})));
        ImageTrainingState atEnd = new ImageTrainingState(3, one, null, new double[] {0.5, 0.4, 0.3},
                new double[] {0.1, 0.2, 0.3}, new double[] {Double.NaN, Double.NaN, 0.25});
        ImageTrainingState inside = new ImageTrainingState(3, one, null, atEnd.epochLoss(), atEnd.epochAccuracy(),
                atEnd.epochTestAccuracy(), new ImageTrainingState.PartialEpoch(7, 1.25, 99));
        byte[] end = ImageCheckpointFormat.encode("o", atEnd);
        byte[] in = ImageCheckpointFormat.encode("o", inside);
        assertThat(java.nio.ByteBuffer.wrap(end, 8, 4).getInt()).isEqualTo(1);
        assertThat(java.nio.ByteBuffer.wrap(in, 8, 4).getInt()).isEqualTo(2);
        assertThat(ImageCheckpointFormat.decode(end).state().sameAs(atEnd)).isTrue();
        assertThat(ImageCheckpointFormat.decode(in).state().sameAs(inside)).isTrue();
        assertThat(ImageCheckpointFormat.decode(in).state().partial())
                .isEqualTo(new ImageTrainingState.PartialEpoch(7, 1.25, 99));
    }

    @Test
    void theBarrierBetweenAPointAndItselfIsZeroAndBetweenTwoInitialisationsIsMeasured() {
        ImageSet train = randomImages("train", 64, 3, 10, 41);
        ImageSet test = randomImages("test", 48, 3, 10, 42);
        try (NDManager m = manager.newSubManager();
             TensorData tr = TensorData.upload(m, train, Normalization.CIFAR);
             TensorData te = TensorData.upload(m, test, Normalization.CIFAR);
             Network net = Network.create(spec("si-convnet", 2), m, 3);
             Network other = Network.create(spec("si-convnet", 2), m, 4)) {
            NetworkState a = net.snapshot();
            ImageGeometry.Segment self = ImageGeometry.measure(net, a, a, tr, te, 16, 32);
            assertThat(self.angle()).isCloseTo(0, within(1e-6));
            assertThat(self.trainBarrier()).isCloseTo(0, within(1e-12));
            assertThat(self.testBarrier()).isCloseTo(0, within(1e-12));
            assertThat(self.testErrors()).hasSize(21).containsOnly(self.testErrors()[0]);
            ImageGeometry.Segment apart = ImageGeometry.measure(net, a, other.snapshot(), tr, te, 16, 32);
            assertThat(apart.angle()).isGreaterThan(0.5);
        }
    }

    @Test
    void gradientsAreZeroedBetweenSteps() {
        // Two identical backward passes after zeroing give the same gradient, not twice it.
        try (Network net = Network.create(spec("si-convnet", 2), manager, 8);
             NDManager m = manager.newSubManager()) {
            NDArray x = m.randomNormal(new Shape(4, 3, 32, 32));
            NDArray y = m.create(new long[] {1, 2, 3, 4});
            NDArray w = net.tensors().get(0).array();
            float[] first = gradient(net, x, y, w);
            w.getGradient().subi(w.getGradient());
            float[] second = gradient(net, x, y, w);
            assertThat(second).containsExactly(first, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    private static float[] gradient(Network net, NDArray x, NDArray y, NDArray w) {
        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
            c.backward(CrossEntropy.mean(net.forward(x, BnMode.BATCH), y));
        }
        return w.getGradient().toFloatArray();
    }
}
