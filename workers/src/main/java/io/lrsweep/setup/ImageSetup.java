package io.lrsweep.setup;

import ai.djl.ndarray.NDManager;
import io.lrsweep.data.DataCache;
import io.lrsweep.data.ImageTensors;
import io.lrsweep.science.Evaluation;
import io.lrsweep.science.SeededRandom;
import io.lrsweep.science.Sharpness;
import io.lrsweep.science.TrainingListener;
import io.lrsweep.science.images.BnMode;
import io.lrsweep.science.images.EpochSchedule;
import io.lrsweep.science.images.ImageCheckpointFormat;
import io.lrsweep.science.images.ImageEvaluation;
import io.lrsweep.science.images.ImageGeometry;
import io.lrsweep.science.images.ImageHessian;
import io.lrsweep.science.images.ImageTraining;
import io.lrsweep.science.images.ImageTrainingState;
import io.lrsweep.science.images.Network;
import io.lrsweep.science.images.NetworkAverage;
import io.lrsweep.science.images.NetworkSpec;
import io.lrsweep.science.images.NetworkState;
import io.lrsweep.science.images.TensorData;
import io.lrsweep.study.Branch;
import io.lrsweep.study.BranchResults;
import io.lrsweep.study.Features;
import io.lrsweep.study.StudyConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Image models on DJL (SI ConvNet, SI and practical ResNet-18) on CIFAR or Fashion-MNIST, counted
 * in epochs with a checkpoint after each. Pre-training runs {@code pretrainEpochs + K_max − 1}
 * epochs; the epoch checkpoints from the pre-trained point on are the SWA window. Every
 * computation holds the data's tensors through a lease and runs alone on the device.
 */
final class ImageSetup implements Setup<NetworkState> {
    /** Batch size of evaluation and BN recomputation passes (no gradients, so larger than training's). */
    static final int EVAL_BATCH = 500;
    private final StudyConfig c;
    private final ComputeContext compute;

    ImageSetup(StudyConfig c, ComputeContext compute) {
        this.c = c;
        this.compute = compute;
    }

    @Override
    public void describeBranch(Map<String, Object> inputs) {
        inputs.put("model", c.model());
        inputs.put("width", c.width());
        inputs.put("dataset", c.dataset());
        inputs.put("dataSource", c.dataSource());
        inputs.put("testSize", c.testSize());
        inputs.put("momentum", c.momentum());
        inputs.put("weightDecay", c.weightDecay());
    }

    @Override
    public void describePretrain(Map<String, Object> inputs) {
        inputs.put("epochs", c.pretrainEpochs());
        inputs.put("window", c.maxK());
        inputs.put("recentEpochs", c.recentEpochs());
    }

    @Override
    public void describeFinetune(Map<String, Object> inputs) {
        inputs.put("epochs", c.finetuneEpochs());
    }

    /** The test set's size is already a field of every image stage. */
    @Override
    public void describeAnalysis(Map<String, Object> inputs) {
    }

    @Override
    public String pretrainedPoint() {
        return epochCheckpoint(c.pretrainEpochs());
    }

    /** The {@code k} epoch checkpoints from the pre-trained point on. */
    @Override
    public List<String> window(int k) {
        List<String> names = new ArrayList<>();
        for (int e = c.pretrainEpochs(); e < c.pretrainEpochs() + k; e++) {
            names.add(epochCheckpoint(e));
        }
        return names;
    }

    @Override
    public NetworkState decode(byte[] checkpoint) throws IOException {
        return ImageCheckpointFormat.decode(checkpoint).state().network();
    }

    /**
     * Test accuracy is measured after each of the last {@code recentEpochs} pre-training epochs;
     * their mean is the pre-training curve's value.
     */
    @Override
    public Trained pretrain(Branch b, StageSink sink) throws IOException {
        int pretrained = c.pretrainEpochs();
        int total = pretrained + c.maxK() - 1;
        long started = System.nanoTime();
        Run run = onDevice(SeededRandom.derive(b.seed(), "image-init").nextLong(), (net, data) -> {
            var probe = new ImageTraining.Probe(pretrained - c.recentEpochs(), n -> test(n, data).accuracy());
            return train(sink, net, ImageTrainingState.start(net.snapshot()), data.train(),
                    SeededRandom.derive(b.seed(), "pretrain-order").nextLong(), schedule(net, b.plr(), total), probe,
                    epoch -> epoch >= pretrained);
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        ImageTrainingState end = run.end();
        double[] budgetLoss = Arrays.copyOf(end.epochLoss(), pretrained);
        double minLoss = Arrays.stream(budgetLoss).min().orElse(Double.POSITIVE_INFINITY);
        double pointAccuracy = end.epochTestAccuracy()[pretrained - 1];
        double recent = Arrays.stream(end.epochTestAccuracy(), pretrained - c.recentEpochs(), pretrained).average()
                .orElse(Double.NaN);
        double imagesPerSecond = seconds > 0 ? run.steps() * c.batchSize() / seconds : 0.0;
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("epochs", end.epoch());
        metrics.put("minEpochLoss", minLoss);
        metrics.put("finalEpochLoss", budgetLoss[pretrained - 1]);
        metrics.put("finalEpochTrainAccuracy", end.epochAccuracy()[pretrained - 1]);
        metrics.put("converged", minLoss < c.convergenceLoss());
        metrics.put("testAccuracy", pointAccuracy);
        metrics.put("recentTestAccuracy", recent);
        metrics.put("pretrainedPoint", pretrainedPoint());
        metrics.put("stepsThisAttempt", run.steps());
        metrics.put("imagesPerSecond", imagesPerSecond);
        return new Trained(null, window(c.maxK()), curve(end), metrics, pointAccuracy, String.format(
                "test accuracy %.4f (mean of last %d epochs %.4f), min epoch loss %.4g, %.0f images/s", pointAccuracy,
                c.recentEpochs(), recent, minLoss, imagesPerSecond));
    }

    @Override
    public Trained finetune(Branch b, double flr, NetworkState start, StageSink sink) throws IOException {
        long orderSeed = SeededRandom.derive(b.seed(), "finetune-order", Double.doubleToLongBits(flr)).nextLong();
        long started = System.nanoTime();
        record Tuned(ImageTrainingState end, double testAccuracy) {
        }
        Tuned tuned = onDevice(0, (net, data) -> new Tuned(train(sink, net, ImageTrainingState.start(start),
                data.train(), orderSeed, schedule(net, flr, c.finetuneEpochs()), ImageTraining.Probe.NONE, e -> false)
                .end(), test(net, data).accuracy()));
        ImageTrainingState end = tuned.end();
        double testAccuracy = tuned.testAccuracy();
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("flr", flr);
        metrics.put("epochs", end.epoch());
        metrics.put("finalEpochLoss", end.epochLoss().length == 0 ? null : end.epochLoss()[end.epochLoss().length - 1]);
        metrics.put("testAccuracy", testAccuracy);
        metrics.put("seconds", seconds);
        return new Trained(ImageCheckpointFormat.encodePoint(end.epoch(), end.network()), List.of(), curve(end),
                metrics, testAccuracy, String.format("test accuracy %.4f", testAccuracy));
    }

    /** The mean of the window, then BN statistics recomputed with one pass over the training set. */
    @Override
    public Averaged average(Branch b, int k, CheckpointReader window) throws IOException {
        NetworkAverage average = new NetworkAverage();
        for (String name : window(k)) {
            average.add(decode(window.read(name)));
        }
        NetworkState mean = average.result();
        return onDevice(0, (net, data) -> {
            net.load(mean);
            ImageEvaluation.recomputeBatchNorm(net, data.train(), EVAL_BATCH);
            NetworkState swa = net.snapshot();
            return new Averaged(ImageCheckpointFormat.encodePoint(c.pretrainEpochs(), swa),
                    test(net, data).accuracy(), " (BN recomputed)");
        });
    }

    @Override
    public long stepsPerEpoch() {
        return (c.trainSize() > 0 ? c.trainSize() : c.dataSet().trainImages()) / c.batchSize();
    }

    /**
     * Continues epoch by epoch from the pre-trained point; the resume checkpoint is written every
     * ten epochs. The practical model's momentum starts again from zero: the point carries none.
     */
    @Override
    public Continued continueTraining(Branch b, NetworkState start, double rate, String purpose, double budgets,
                                      boolean untilConverged, StageSink sink) throws IOException {
        int end = (int) Math.round(budgets * c.pretrainEpochs());
        long orderSeed = SeededRandom.derive(b.seed(), purpose).nextLong();
        Optional<ImageTrainingState> resumed = SavedAttempt.find(sink, data -> {
            var saved = ImageCheckpointFormat.decode(data);
            return new SavedAttempt.Saved<>(saved.owner(), saved.state());
        }, st -> st.epoch() <= end);
        resumed.ifPresent(st -> sink.log("resuming after epoch " + st.epoch()
                + (st.partial().batches() > 0 ? " and " + st.partial().batches() + " batches" : "")
                + " of an earlier attempt"));
        ImageTrainingState from = resumed.orElse(new ImageTrainingState(c.pretrainEpochs(), start, null, new double[0],
                new double[0], new double[0]));
        TrainingListener listener = sink.training().andThen(new AttemptSteps(compute));
        return onDevice(0, (net, data) -> {
            ImageTrainingState st = from;
            boolean converged = false;
            while (st.epoch() < end && !converged) {
                int target = st.epoch() + 1;
                st = ImageTraining.train(net, st, data.train(), orderSeed, schedule(net, rate, target),
                        ImageTraining.Probe.NONE, listener, state -> {
                        });
                if (st.epoch() < target) {
                    stopped(sink, st, end);
                }
                converged = untilConverged && st.epochLoss()[st.epochLoss().length - 1] < c.convergenceLoss();
                if (!converged && st.epoch() % 10 == 0 && st.epoch() < end) {
                    sink.write(StageSink.RESUME, ImageCheckpointFormat.encode(sink.owner(), st));
                }
            }
            return new Continued(ImageCheckpointFormat.encodePoint(st.epoch(), st.network()), converged,
                    st.epoch() * stepsPerEpoch(), st.epoch(), test(net, data).accuracy(), st.epochLoss());
        });
    }

    /**
     * Train and test accuracy and loss, test accuracy on each Fourier band, and angles and
     * barriers (21 points, re-projected to rho, BN recomputed at each).
     */
    @Override
    public Measurements<NetworkState> measurements(Branch b) throws IOException {
        DataCache.Lease lease = lease();
        Exclusive exclusive = exclusive();
        ImageTensors data = lease.tensors();
        Network net;
        try {
            net = Network.create(spec(data), data.manager(), 0);
        } catch (RuntimeException e) {
            exclusive.close();
            lease.close();
            throw e;
        }
        return new Measurements<>() {
            @Override
            public BranchResults.Point point(String name, Double flr, Integer k, NetworkState point) {
                net.load(point);
                Evaluation train = ImageEvaluation.evaluate(net, data.train(), BnMode.EVAL, EVAL_BATCH);
                Evaluation test = test(net, data);
                Map<String, Double> bands = new LinkedHashMap<>();
                for (ImageTensors.Band band : data.bands()) {
                    bands.put(band.name(), ImageEvaluation.evaluate(net, band.data(), BnMode.EVAL, EVAL_BATCH)
                            .accuracy());
                }
                return new BranchResults.Point(name, flr, k, train.loss(), train.accuracy(), test.loss(),
                        test.accuracy(), new Features.Bands(bands));
            }

            @Override
            public BranchResults.Geometry pair(String pair, NetworkState a, NetworkState w) {
                ImageGeometry.Segment s = ImageGeometry.measure(net, a, w, data.train(), data.test(), c.batchSize(),
                        EVAL_BATCH);
                return new BranchResults.Geometry(pair, s.angle(), s.trainBarrier(), s.testBarrier(),
                        s.trainErrors(), s.testErrors(), s.trainLosses(), null);
            }

            /** The sample the sharpness is measured on, drawn on first use. */
            private NDManager sampleScope;
            private TensorData sample;

            /** Over the trained convolution kernels on a fixed sample of the training set (ImageHessian). */
            @Override
            public Sharpness.Estimate sharpness(NetworkState point, long seed) {
                if (c.sharpnessProbes() == 0) {
                    return null;
                }
                if (sample == null) {
                    sampleScope = data.manager().newSubManager();
                    sample = ImageHessian.sampleOf(data.train(), c.batchSize(), sampleScope);
                }
                ImageHessian hessian = ImageHessian.at(net.spec(), data.manager(), point, sample, c.batchSize());
                double[] w = hessian.point();
                return Sharpness.estimate(hessian.hessianTimes(w), w.length, seed, c.sharpnessProbes(),
                        c.sharpnessIterations());
            }

            @Override
            public double[] filterNorms(NetworkState point) {
                return point.filterNorms(net.spec().architecture().rho());
            }

            @Override
            public void close() {
                try (lease; exclusive; net) {
                    // closes the sample and the network, then gives the device and the data back
                    if (sampleScope != null) {
                        sampleScope.close();
                    }
                }
            }
        };
    }

    /** Work on a network of the study, with the data's tensors, alone on the device. */
    @FunctionalInterface
    private interface DeviceWork<T> {
        T run(Network net, ImageTensors data) throws IOException;
    }

    /** Runs {@code work} on a new network initialised from {@code seed}, holding the data and the device. */
    private <T> T onDevice(long seed, DeviceWork<T> work) throws IOException {
        try (DataCache.Lease lease = lease(); Exclusive ignored = exclusive()) {
            ImageTensors data = lease.tensors();
            try (Network net = Network.create(spec(data), data.manager(), seed)) {
                return work.run(net, data);
            }
        }
    }

    /** The network of the study for its data (input channels and classes from the data set). */
    private NetworkSpec spec(ImageTensors data) {
        return new NetworkSpec(NetworkSpec.Architecture.of(c.model()), c.width(), data.channels(), data.classes());
    }

    private DataCache.Lease lease() throws IOException {
        return compute.data().lease(new ImageTensors.Key(c.dataSet(), c.dataSource(), c.trainSize(), c.testSize(),
                compute.device()));
    }

    /** The device to this computation alone until closed. */
    private interface Exclusive extends AutoCloseable {
        @Override
        void close();
    }

    private Exclusive exclusive() {
        compute.imageCompute().lock();
        return () -> compute.imageCompute().unlock();
    }

    /** Training on the sphere with the ELR for SI models; ordinary SGD with {@code rate} otherwise. */
    private EpochSchedule schedule(Network net, double rate, int epochs) {
        var arch = net.spec().architecture();
        return arch.scaleInvariant() ? EpochSchedule.onSphere(epochs, c.batchSize(), rate, arch.rho())
                : new EpochSchedule(epochs, c.batchSize(), rate, c.momentum(), c.weightDecay(), false);
    }

    private static Evaluation test(Network net, ImageTensors data) {
        return ImageEvaluation.evaluate(net, data.test(), BnMode.EVAL, EVAL_BATCH);
    }

    static String epochCheckpoint(int epoch) {
        return String.format("epoch-%04d.ckpt", epoch);
    }

    /** The end of a training run and the steps this attempt took. */
    private record Run(ImageTrainingState end, long steps) {
    }

    /**
     * Trains with a checkpoint after every epoch: {@code resume.ckpt} holds the full state (a
     * restarted attempt continues from it, losing at most one epoch), and the epochs that
     * {@code keep} selects (1-based epoch counts) are also written as points.
     */
    private Run train(StageSink sink, Network net, ImageTrainingState start, TensorData train, long orderSeed,
                      EpochSchedule schedule, ImageTraining.Probe probe, IntPredicate keep) throws IOException {
        Optional<ImageTrainingState> resumed = SavedAttempt.find(sink, data -> {
            var saved = ImageCheckpointFormat.decode(data);
            return new SavedAttempt.Saved<>(saved.owner(), saved.state());
        }, s -> s.epoch() <= schedule.epochs());
        resumed.ifPresent(s -> sink.log("resuming after epoch " + s.epoch()
                + (s.partial().batches() > 0 ? " and " + s.partial().batches() + " batches" : "")
                + " of an earlier attempt"));
        AttemptSteps steps = new AttemptSteps(compute);
        TrainingListener log = new TrainingListener() {
            @Override
            public void onEpoch(long epoch, long iteration, double meanLoss, double accuracy) {
                sink.log(String.format("epoch %d/%d: train loss %.4f, train accuracy %.4f", epoch + 1,
                        schedule.epochs(), meanLoss, accuracy));
            }
        };
        try {
            ImageTrainingState end = ImageTraining.train(net, resumed.orElse(start), train, orderSeed, schedule, probe,
                    sink.training().andThen(steps).andThen(log), state -> {
                        try {
                            if (keep.test(state.epoch())) {
                                sink.write(epochCheckpoint(state.epoch()),
                                        ImageCheckpointFormat.encodePoint(state.epoch(), state.network()));
                            }
                            if (state.epoch() < schedule.epochs()) {
                                sink.write(StageSink.RESUME, ImageCheckpointFormat.encode(sink.owner(), state));
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
            if (end.epoch() < schedule.epochs()) {
                stopped(sink, end, schedule.epochs());
            }
            return new Run(end, steps.taken());
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Ends a run stopped on request: its exact state goes to the resume checkpoint, then {@link StageStopped}. */
    private static void stopped(StageSink sink, ImageTrainingState state, int of) throws IOException {
        sink.write(StageSink.RESUME, ImageCheckpointFormat.encode(sink.owner(), state));
        throw new StageStopped("stopped on request after " + state.epoch() + " of " + of + " epochs and "
                + state.partial().batches() + " batches; the resume checkpoint holds that exact state");
    }

    /** A curve for JSON, which has no NaN: unmeasured entries become null. */
    private static Map<String, Object> curve(ImageTrainingState s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("epochLoss", s.epochLoss());
        out.put("epochAccuracy", s.epochAccuracy());
        out.put("epochTestAccuracy", Arrays.stream(s.epochTestAccuracy()).mapToObj(v -> Double.isNaN(v) ? null : v)
                .toList());
        return out;
    }
}
