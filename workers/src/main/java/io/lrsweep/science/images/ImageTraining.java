package io.lrsweep.science.images;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.lrsweep.science.SeededRandom;
import io.lrsweep.science.TrainingListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * Epoch-based training of an image network: each epoch a seeded permutation of the training set,
 * batches gathered on the device, BN in train mode, cross-entropy, an SGD step (projected to the
 * sphere for SI models) and gradients zeroed. Loss and accuracy are summed on the device and read
 * once per epoch. After every epoch the state goes to {@code onEpochEnd} (the caller checkpoints).
 * DJL's gradient collector is global to the process: callers run one training at a time.
 */
public final class ImageTraining {
    private ImageTraining() {
    }

    /** Measured after the epochs from {@code fromEpoch} on (0-based): usually test accuracy. */
    public record Probe(int fromEpoch, ToDoubleFunction<Network> measure) {
        public static final Probe NONE = new Probe(Integer.MAX_VALUE, n -> Double.NaN);
    }

    /**
     * Continues {@code start} on {@code net} until {@code schedule.epochs()} epochs are done and
     * returns the end state; the network holds the end point afterwards. When the listener asks to
     * stop (checked before every batch) it returns at once a state inside the epoch, from which
     * training continues bit-identical to an uninterrupted run; {@code onEpochEnd} is not called
     * for that state.
     */
    public static ImageTrainingState train(Network net, ImageTrainingState start, TensorData train, long orderSeed,
                                           EpochSchedule schedule, Probe probe, TrainingListener listener,
                                           Consumer<ImageTrainingState> onEpochEnd) {
        int perEpoch = train.count() / schedule.batchSize();
        if (perEpoch == 0) {
            throw new IllegalArgumentException("train set of " + train.count() + " is smaller than one batch of "
                    + schedule.batchSize());
        }
        Torch.gradientsOff();
        net.load(start.network());
        List<Network.NamedTensor> trained = net.tensors().stream().filter(t -> t.role().trained()).toList();
        NDManager m = net.manager();
        List<NDArray> velocity = schedule.usesMomentum() ? velocity(m, trained, start.velocity()) : null;
        Engine engine = Torch.engine();
        double[] loss = start.epochLoss();
        double[] accuracy = start.epochAccuracy();
        double[] tested = start.epochTestAccuracy();
        ImageTrainingState state = start;
        for (int epoch = start.epoch(); epoch < schedule.epochs(); epoch++) {
            ImageTrainingState.PartialEpoch done = epoch == start.epoch() ? start.partial()
                    : ImageTrainingState.PartialEpoch.NONE;
            int[] order = SeededRandom.derive(orderSeed, "order", epoch).permutation(train.count());
            long[] index = new long[order.length];
            for (int i = 0; i < order.length; i++) {
                index[i] = order[i];
            }
            try (NDManager epochScope = m.newSubManager()) {
                NDArray permutation = epochScope.create(index);
                NDArray lossSum = epochScope.create(done.lossSum());
                NDArray correct = epochScope.create(done.correct());
                for (int b = done.batches(); b < perEpoch; b++) {
                    if (listener.stopRequested()) {
                        // The sums stay on the device until here: reading them is exact (float64, int64).
                        ImageTrainingState.PartialEpoch part = new ImageTrainingState.PartialEpoch(b,
                                lossSum.getDouble(), correct.getLong());
                        return new ImageTrainingState(epoch, net.snapshot(), velocity == null ? null
                                : velocitySnapshot(trained, velocity), loss, accuracy, tested, part);
                    }
                    long stepStart = System.nanoTime();
                    try (NDScope scope = new NDScope()) {
                        NDArray idx = permutation.get(new NDIndex("{}:{}", b * (long) schedule.batchSize(),
                                (b + 1) * (long) schedule.batchSize()));
                        NDArray[] batch = train.batch(idx);
                        NDArray logits;
                        NDArray batchLoss;
                        try (GradientCollector collector = engine.newGradientCollector()) {
                            logits = net.forward(batch[0], BnMode.TRAIN);
                            batchLoss = CrossEntropy.mean(logits, batch[1]);
                            collector.backward(batchLoss);
                        }
                        step(net, trained, velocity, schedule);
                        lossSum.addi(batchLoss.toType(DataType.FLOAT64, false));
                        correct.addi(CrossEntropy.correct(logits, batch[1]));
                        scope.suppressNotUsedWarning();
                    }
                    listener.onStep((long) epoch * perEpoch + b + 1, schedule.batchSize(),
                            System.nanoTime() - stepStart);
                }
                double meanLoss = lossSum.getDouble() / perEpoch;
                double meanAccuracy = (double) correct.getLong() / ((long) perEpoch * schedule.batchSize());
                loss = append(loss, meanLoss);
                accuracy = append(accuracy, meanAccuracy);
                tested = append(tested, epoch >= probe.fromEpoch() ? probe.measure().applyAsDouble(net) : Double.NaN);
                listener.onEpoch(epoch, (long) (epoch + 1) * perEpoch, meanLoss, meanAccuracy);
            }
            state = new ImageTrainingState(epoch + 1, net.snapshot(),
                    velocity == null ? null : velocitySnapshot(trained, velocity), loss, accuracy, tested);
            onEpochEnd.accept(state);
        }
        return state;
    }

    /** One SGD step (PyTorch's convention for momentum and weight decay), then projection; zeroes gradients. */
    private static void step(Network net, List<Network.NamedTensor> trained, List<NDArray> velocity,
                             EpochSchedule s) {
        for (int i = 0; i < trained.size(); i++) {
            NDArray p = trained.get(i).array();
            NDArray g = p.getGradient();
            NDArray direction = s.weightDecay() > 0 ? g.add(p.mul(s.weightDecay())) : g;
            if (velocity != null) {
                NDArray v = velocity.get(i);
                v.muli(s.momentum()).addi(direction);
                direction = v;
            }
            p.subi(direction.mul(s.learningRate()));
            g.subi(g);
        }
        if (s.project()) {
            SiSphere.project(net);
        }
    }

    private static List<NDArray> velocity(NDManager m, List<Network.NamedTensor> trained, NetworkState saved) {
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i < trained.size(); i++) {
            NDArray v = m.zeros(trained.get(i).array().getShape());
            if (saved != null) {
                NetworkState.Tensor t = saved.tensors().get(i);
                if (!t.name().equals(trained.get(i).name())) {
                    throw new IllegalArgumentException("momentum state does not fit the model at " + t.name());
                }
                v.set(t.values());
            }
            out.add(v);
        }
        return out;
    }

    private static NetworkState velocitySnapshot(List<Network.NamedTensor> trained, List<NDArray> velocity) {
        List<NetworkState.Tensor> out = new ArrayList<>();
        for (int i = 0; i < trained.size(); i++) {
            NDArray v = velocity.get(i);
            out.add(new NetworkState.Tensor(trained.get(i).name(), trained.get(i).role(), v.getShape().getShape(),
                    v.toFloatArray()));
        }
        return new NetworkState(out);
    }

    private static double[] append(double[] a, double v) {
        double[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }
}
