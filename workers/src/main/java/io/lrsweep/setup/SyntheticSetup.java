package io.lrsweep.setup;

import io.lrsweep.data.SyntheticData;
import io.lrsweep.science.AngularDistance;
import io.lrsweep.science.CheckpointFormat;
import io.lrsweep.science.CheckpointPack;
import io.lrsweep.science.Elr;
import io.lrsweep.science.ErrorBarrier;
import io.lrsweep.science.Evaluation;
import io.lrsweep.science.FeatureSparsity;
import io.lrsweep.science.ProjectedSgd;
import io.lrsweep.science.Samples;
import io.lrsweep.science.SeededRandom;
import io.lrsweep.science.Sharpness;
import io.lrsweep.science.SiMlp;
import io.lrsweep.science.TrainingListener;
import io.lrsweep.science.TrainingState;
import io.lrsweep.science.Vectors;
import io.lrsweep.science.WeightAverage;
import io.lrsweep.science.Weights;
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

/**
 * The synthetic feature-sparsity study: the hand-written SI MLP on the "ticks" data, counted in
 * iterations, with a checkpoint every {@code checkpointEvery} iterations. The last max-K
 * checkpoints of pre-training are the SWA window, stored as one object; the last of them is the
 * pre-trained point, stored on its own too.
 */
final class SyntheticSetup implements Setup<Weights> {
    private static final String MODEL = "si-mlp";
    /**
     * The SWA window, oldest first, as one {@link CheckpointPack}: 50 checkpoints of 16.6 KB as 50
     * objects cost the default demo on S3 16,440 requests (written once, read by every K).
     */
    private static final String WINDOW = "window.ckpt";
    /** The first iteration of a run that keeps no window. */
    private static final long NO_WINDOW = Long.MAX_VALUE;
    /**
     * How often pre-training and fine-tuning write their resume checkpoint, in checkpoint
     * intervals: every 20,000 iterations (~0.3 s of one core), so that the protocol's fine-tuning
     * (20,000 iterations) writes none and its pre-training one. Every 1,000 made the default demo
     * write up to 15,600 resume checkpoints, each a request on S3 and an fsync on a filesystem.
     */
    private static final long RESUME_EVERY_CHECKPOINTS = 200;
    /**
     * How often a run trained to convergence writes its resume checkpoint, in epochs: 9,600
     * iterations, about as often as the other runs. Every 100 epochs, a run that never converged
     * within its ten pre-training budgets (360,000 steps, ~7 s) wrote 112.
     */
    private static final long RESUME_EVERY_EPOCHS = 300;
    private final StudyConfig c;
    private final ComputeContext compute;

    SyntheticSetup(StudyConfig c, ComputeContext compute) {
        this.c = c;
        this.compute = compute;
    }

    @Override
    public void describeBranch(Map<String, Object> inputs) {
        inputs.put("model", MODEL);
        // Every stage's test accuracy is over this test set: two studies that differ in it share no stage.
        inputs.put("testSize", c.testSize());
    }

    @Override
    public void describePretrain(Map<String, Object> inputs) {
        inputs.put("iterations", c.pretrainIterations());
        inputs.put("checkpointEvery", c.checkpointEvery());
        inputs.put("window", c.maxK());
        // Stores of older versions kept one object per window checkpoint: their stages are not reused.
        inputs.put("windowObject", WINDOW);
    }

    @Override
    public void describeFinetune(Map<String, Object> inputs) {
        inputs.put("iterations", c.finetuneIterations());
    }

    @Override
    public void describeAnalysis(Map<String, Object> inputs) {
        inputs.put("singleFeatureSize", c.singleFeatureSize());
    }

    @Override
    public String pretrainedPoint() {
        return windowCheckpoint(c.pretrainIterations());
    }

    /** The one object that holds every window checkpoint, whatever {@code k}. */
    @Override
    public List<String> window(int k) {
        return List.of(WINDOW);
    }

    @Override
    public Weights decode(byte[] checkpoint) throws IOException {
        return CheckpointFormat.decode(checkpoint).state().weights();
    }

    @Override
    public Trained pretrain(Branch b, StageSink sink) throws IOException {
        long firstKept = windowIteration(c.maxK() - 1);
        var schedule = new ProjectedSgd.Schedule(c.pretrainIterations(), new Elr(b.plr()), c.batchSize(),
                c.checkpointEvery());
        SyntheticData data = data(b);
        long started = System.nanoTime();
        Run run = train(sink, TrainingState.start(SiMlp.initialise(b.seed())), data.train(),
                SeededRandom.derive(b.seed(), "pretrain-order").nextLong(), schedule, firstKept);
        double seconds = (System.nanoTime() - started) / 1e9;
        TrainingState end = run.end();
        sink.write(WINDOW, CheckpointPack.encode(run.window()));
        sink.write(pretrainedPoint(), run.window().getLast());
        double perSecond = seconds > 0 ? run.steps() / seconds : 0.0;
        Evaluation test = new SiMlp().evaluate(end.weights(), data.test());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("iterations", end.iteration());
        metrics.put("minEpochLoss", end.minEpochLoss());
        metrics.put("finalEpochLoss", last(end.epochLoss()));
        metrics.put("finalEpochTrainAccuracy", last(end.epochAccuracy()));
        metrics.put("converged", end.minEpochLoss() < c.convergenceLoss());
        metrics.put("testAccuracy", test.accuracy());
        metrics.put("pretrainedPoint", pretrainedPoint());
        metrics.put("stepsThisAttempt", run.steps());
        metrics.put("iterationsPerSecond", perSecond);
        return new Trained(null, List.of(WINDOW, pretrainedPoint()), curve(end), metrics, test.accuracy(), String.format(
                "test accuracy %.4f, min epoch loss %.4g, %.0f it/s", test.accuracy(), end.minEpochLoss(), perSecond));
    }

    @Override
    public Trained finetune(Branch b, double flr, Weights start, StageSink sink) throws IOException {
        long orderSeed = SeededRandom.derive(b.seed(), "finetune-order", Double.doubleToLongBits(flr)).nextLong();
        var schedule = new ProjectedSgd.Schedule(c.finetuneIterations(), new Elr(flr), c.batchSize(),
                c.checkpointEvery());
        SyntheticData data = data(b);
        long started = System.nanoTime();
        TrainingState end = train(sink, TrainingState.start(start), data.train(), orderSeed, schedule, NO_WINDOW).end();
        double seconds = (System.nanoTime() - started) / 1e9;
        Evaluation test = new SiMlp().evaluate(end.weights(), data.test());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("flr", flr);
        metrics.put("iterations", end.iteration());
        metrics.put("finalEpochLoss", last(end.epochLoss()));
        metrics.put("testAccuracy", test.accuracy());
        metrics.put("seconds", seconds);
        return new Trained(CheckpointFormat.encodeWeights(end.iteration(), end.weights()), List.of(), curve(end),
                metrics, test.accuracy(), String.format("test accuracy %.4f", test.accuracy()));
    }

    /** The SI MLP has no BatchNorm: the mean of the window is the SWA point as it is. */
    @Override
    public Averaged average(Branch b, int k, CheckpointReader window) throws IOException {
        List<byte[]> packed = CheckpointPack.decode(window.read(WINDOW));
        if (packed.size() != c.maxK()) {
            throw new IOException(WINDOW + " holds " + packed.size() + " checkpoints, not the window's " + c.maxK());
        }
        WeightAverage average = new WeightAverage();
        for (int i = k - 1; i >= 0; i--) {
            CheckpointFormat.Checkpoint point = CheckpointFormat.decode(packed.get(packed.size() - 1 - i));
            if (point.state().iteration() != windowIteration(i)) {
                throw new IOException(WINDOW + " has iteration " + point.state().iteration() + " where "
                        + windowIteration(i) + " belongs");
            }
            average.add(point.state().weights());
        }
        Weights swa = average.result();
        double accuracy = new SiMlp().evaluate(swa, data(b).test()).accuracy();
        return new Averaged(CheckpointFormat.encodeWeights(c.pretrainIterations(), swa), accuracy, "");
    }

    @Override
    public long stepsPerEpoch() {
        return c.trainSize() / c.batchSize();
    }

    /**
     * Continues until the budget's end or the first epoch whose mean loss is below the limit (when
     * {@code untilConverged}); the resume checkpoint is written every 300 epochs.
     */
    @Override
    public Continued continueTraining(Branch b, Weights start, double rate, String purpose, double budgets,
                                      boolean untilConverged, StageSink sink) throws IOException {
        long perEpoch = stepsPerEpoch();
        long end = Math.round(budgets * c.pretrainIterations());
        long orderSeed = SeededRandom.derive(b.seed(), purpose).nextLong();
        Optional<TrainingState> resumed = SavedAttempt.find(sink, Resume::decode, r -> r.fits(end, NO_WINDOW, 1))
                .map(Resume::state);
        resumed.ifPresent(st -> sink.log("resuming from iteration " + st.iteration() + " of an earlier attempt"));
        TrainingState s = resumed.orElse(new TrainingState(c.pretrainIterations(), start, new double[0], new double[0],
                0, 0, 0));
        SyntheticData data = data(b);
        boolean[] converged = {false};
        // One run to the end of the budget, stopped by this listener at the first epoch whose mean
        // loss is below the limit: the same steps as a run restarted every epoch, without copying
        // the whole curve at every epoch (20–23 µs a step at 12,500 epochs; 12–13 µs as one run).
        TrainingListener watch = new TrainingListener() {
            @Override
            public void onEpoch(long epoch, long iteration, double meanLoss, double accuracy) {
                converged[0] = untilConverged && meanLoss < c.convergenceLoss();
            }

            /** Called at every 300th epoch's end (and at the budget's end, where nothing is left to resume). */
            @Override
            public void onCheckpoint(TrainingState snapshot) {
                if (!converged[0] && snapshot.iteration() < end) {
                    try {
                        sink.write(StageSink.RESUME, new Resume(snapshot, List.of()).encode(sink.owner()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }

            @Override
            public boolean stopRequested() {
                return converged[0];
            }
        };
        TrainingListener listener = sink.training().andThen(new AttemptSteps(compute)).andThen(watch);
        try {
            s = ProjectedSgd.train(s, data.train(), orderSeed, new ProjectedSgd.Schedule(end, new Elr(rate),
                    c.batchSize(), RESUME_EVERY_EPOCHS * perEpoch), listener);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (!converged[0] && s.iteration() < end) {
            stopped(sink, new Resume(s, List.of()).encode(sink.owner()), s.iteration(), end);
        }
        double accuracy = new SiMlp().evaluate(s.weights(), data.test()).accuracy();
        return new Continued(CheckpointFormat.encodeWeights(s.iteration(), s.weights()), converged[0], s.iteration(),
                s.iteration() / perEpoch, accuracy, s.epochLoss());
    }

    @Override
    public Measurements<Weights> measurements(Branch b) {
        SyntheticData data = data(b);
        SiMlp model = new SiMlp();
        return new Measurements<>() {
            @Override
            public BranchResults.Point point(String name, Double flr, Integer k, Weights w) {
                Evaluation train = model.evaluate(w, data.train());
                Evaluation test = model.evaluate(w, data.test());
                double[] single = new double[data.singleFeature().length];
                for (int f = 0; f < single.length; f++) {
                    single[f] = model.evaluate(w, data.singleFeature()[f]).accuracy();
                }
                return new BranchResults.Point(name, flr, k, train.loss(), train.accuracy(), test.loss(),
                        test.accuracy(), new Features.SingleFeatures(single, FeatureSparsity.sortedDescending(single),
                        FeatureSparsity.concentration(single)));
            }

            @Override
            public BranchResults.Geometry pair(String pair, Weights a, Weights w) {
                int n = ErrorBarrier.POINTS;
                double[] trainErrors = new double[n];
                double[] testErrors = new double[n];
                double[] trainLoss = new double[n];
                double[] gradientNorm = new double[n];
                for (int i = 0; i < n; i++) {
                    Weights p = ErrorBarrier.interpolate(a, w, (double) i / (n - 1), SiMlp.RHO);
                    Evaluation train = model.evaluate(p, data.train());
                    trainErrors[i] = train.error();
                    trainLoss[i] = train.loss();
                    testErrors[i] = model.evaluate(p, data.test()).error();
                    gradientNorm[i] = Vectors.norm(model.fullGradient(p.si(), p.head(), data.train()));
                }
                return new BranchResults.Geometry(pair, AngularDistance.radians(a, w), ErrorBarrier.of(trainErrors),
                        ErrorBarrier.of(testErrors), trainErrors, testErrors, trainLoss, gradientNorm);
            }

            /** Over the SI parameters and the training set ({@link SiMlp#hessianTimes}). */
            @Override
            public Sharpness.Estimate sharpness(Weights point, long seed) {
                if (c.sharpnessProbes() == 0) {
                    return null;
                }
                return Sharpness.estimate(model.hessianTimes(point, data.train()), point.si().length, seed,
                        c.sharpnessProbes(), c.sharpnessIterations());
            }

            /** The norms of the rows of both SI matrices (one row per hidden neuron). */
            @Override
            public double[] filterNorms(Weights point) {
                return Arrays.stream(SiMlp.rowNorms(point)).map(v -> Math.log10(v / SiMlp.RHO)).toArray();
            }

            @Override
            public void close() {
            }
        };
    }

    private SyntheticData data(Branch b) {
        return compute.data().synthetic(new SyntheticData.Key(b.dataSeed(), c.trainSize(), c.testSize(),
                c.singleFeatureSize()));
    }

    /** Iteration of the window checkpoint {@code indexFromEnd} places before the pre-trained point. */
    private long windowIteration(int indexFromEnd) {
        return c.pretrainIterations() - (long) indexFromEnd * c.checkpointEvery();
    }

    static String windowCheckpoint(long iteration) {
        return String.format("iter-%09d.ckpt", iteration);
    }

    /**
     * The end of a training run, the steps this attempt took (fewer than the schedule's after a
     * resume), and the encoded window checkpoints, oldest first (empty for a run that keeps none).
     */
    private record Run(TrainingState end, long steps, List<byte[]> window) {
    }

    /**
     * An attempt's resume point: its exact state and the window checkpoints kept up to it. Stored
     * as a plain checkpoint before the window, and as a {@link CheckpointPack} (state first) in it.
     */
    private record Resume(TrainingState state, List<byte[]> window) {
        static SavedAttempt.Saved<Resume> decode(byte[] data) throws IOException {
            List<byte[]> entries = CheckpointPack.isPack(data) ? CheckpointPack.decode(data) : List.of(data);
            if (entries.isEmpty()) {
                throw new IOException("an empty checkpoint pack");
            }
            CheckpointFormat.Checkpoint saved = CheckpointFormat.decode(entries.getFirst());
            return new SavedAttempt.Saved<>(saved.owner(), new Resume(saved.state(),
                    List.copyOf(entries.subList(1, entries.size()))));
        }

        byte[] encode(String owner) {
            byte[] state = CheckpointFormat.encode(owner, this.state);
            if (window.isEmpty()) {
                return state;
            }
            List<byte[]> entries = new ArrayList<>(window.size() + 1);
            entries.add(state);
            entries.addAll(window);
            return CheckpointPack.encode(entries);
        }

        /** Whether the window holds exactly the checkpoints from {@code firstKept} up to the state. */
        boolean fits(long iterations, long firstKept, long every) {
            long it = state.iteration();
            long expected = it < firstKept ? 0 : (it - firstKept) / every + 1;
            return it <= iterations && window.size() == expected;
        }
    }

    /**
     * Trains with the resume checkpoint written every hundred checkpoint intervals before the window
     * (a restarted attempt continues from it), and the checkpoints from {@code firstKept} on kept
     * in memory as the window. Inside the window a periodic resume point would have to carry the
     * window so far: a worker that dies there redoes the window instead (4,900 steps, ~0.1 s, in
     * the paper's protocol). A stop on request inside the window stores its exact state with the
     * window kept so far.
     */
    private Run train(StageSink sink, TrainingState start, Samples train, long orderSeed,
                      ProjectedSgd.Schedule schedule, long firstKept) throws IOException {
        long resumeEvery = RESUME_EVERY_CHECKPOINTS * schedule.checkpointEvery();
        Optional<Resume> resumed = SavedAttempt.find(sink, Resume::decode,
                r -> r.fits(schedule.iterations(), firstKept, schedule.checkpointEvery()));
        resumed.ifPresent(r -> sink.log("resuming from iteration " + r.state().iteration() + " of an earlier attempt"));
        List<byte[]> window = new ArrayList<>(resumed.map(Resume::window).orElse(List.of()));
        long tenth = Math.max(1, schedule.iterations() / 10);
        AttemptSteps steps = new AttemptSteps(compute);
        TrainingListener stage = new TrainingListener() {
            @Override
            public void onEpoch(long epoch, long iteration, double meanLoss, double accuracy) {
                if (iteration / tenth != (iteration - train.count() / schedule.batchSize()) / tenth) {
                    sink.log(String.format("iteration %d/%d epoch %d: train loss %.4f, train accuracy %.4f",
                            iteration, schedule.iterations(), epoch + 1, meanLoss, accuracy));
                }
            }

            @Override
            public void onCheckpoint(TrainingState snapshot) {
                try {
                    long it = snapshot.iteration();
                    if (it >= firstKept) {
                        window.add(CheckpointFormat.encodeWeights(it, snapshot.weights()));
                    }
                    if (it % resumeEvery == 0 && it < schedule.iterations() && it < firstKept) {
                        sink.write(StageSink.RESUME, CheckpointFormat.encode(sink.owner(), snapshot));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
        try {
            TrainingState end = ProjectedSgd.train(resumed.map(Resume::state).orElse(start), train, orderSeed,
                    schedule, sink.training().andThen(steps).andThen(stage));
            if (end.iteration() < schedule.iterations()) {
                stopped(sink, new Resume(end, window).encode(sink.owner()), end.iteration(), schedule.iterations());
            }
            return new Run(end, steps.taken(), window);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Ends a run stopped on request: its exact state goes to the resume checkpoint, then {@link StageStopped}. */
    private static void stopped(StageSink sink, byte[] resume, long iteration, long of) throws IOException {
        sink.write(StageSink.RESUME, resume);
        throw new StageStopped("stopped on request at iteration " + iteration + " of " + of
                + "; the resume checkpoint holds that exact state");
    }

    private static Map<String, Object> curve(TrainingState s) {
        return Map.of("epochLoss", s.epochLoss(), "epochAccuracy", s.epochAccuracy());
    }

    /** The last entry, or null when there is none (JSON has no NaN). */
    private static Double last(double[] a) {
        return a.length == 0 ? null : a[a.length - 1];
    }
}
