package io.lrsweep.science.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import io.lrsweep.science.SeededRandom;
import io.lrsweep.science.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The gradient and Hessian-vector products of an image network's train-mode loss over the weights
 * sharpness is measured on (the trained convolution kernels: in the SI models exactly the SI
 * weights), on a fixed sample of the training set. The loss is the mean over the sample's batches
 * of each batch's mean cross-entropy with BatchNorm on the batch's own statistics (what training
 * minimises; the SI weights are scale invariant only in that mode). The Hessian-vector products are
 * finite differences of the gradient with the network's kinks frozen (study-spec §6 allows finite
 * differences where no usable double backward exists; see {@link #hessianTimes}).
 */
public final class ImageHessian {
    /**
     * How many training images the loss is measured on: PyHessian's examples measure on one batch;
     * this is four of 128. A product is two gradients and a forward pass over it: 0.3 s for 256
     * images on the tests' width-4 ConvNet, about four times that for the quick Fashion-MNIST one.
     */
    public static final int SAMPLE_SIZE = 512;
    /** The finite differences' step, as a fraction of the weights' norm. */
    static final double RELATIVE_STEP = 1e-2;
    private final NetworkSpec spec;
    private final NDManager manager;
    private final NetworkState point;
    private final TensorData sample;
    private final int batchSize;

    private ImageHessian(NetworkSpec spec, NDManager manager, NetworkState point, TensorData sample, int batchSize) {
        this.spec = spec;
        this.manager = manager;
        this.point = point;
        this.sample = sample;
        this.batchSize = batchSize;
    }

    /**
     * The loss of the network of {@code spec} at {@code point} on {@code sample}, in batches of
     * {@code batchSize}; networks for the passes are built on {@code manager}'s device.
     */
    public static ImageHessian at(NetworkSpec spec, NDManager manager, NetworkState point, TensorData sample,
                                  int batchSize) {
        if (sample.count() < batchSize) {
            throw new IllegalArgumentException("sharpness sample of " + sample.count() + " images is smaller than"
                    + " one batch of " + batchSize);
        }
        return new ImageHessian(spec, manager, point, sample, batchSize);
    }

    /**
     * The fixed sample of {@code train}: {@code min(SAMPLE_SIZE, count)} images drawn without
     * replacement by a seed of their own, rounded down to whole batches, the same for every point
     * of a study; a copy held by {@code manager}.
     */
    public static TensorData sampleOf(TensorData train, int batchSize, NDManager manager) {
        int n = Math.min(SAMPLE_SIZE, train.count()) / batchSize * batchSize;
        int[] order = SeededRandom.derive(0, "sharpness-sample").permutation(train.count());
        long[] index = new long[n];
        for (int i = 0; i < n; i++) {
            index[i] = order[i];
        }
        NDArray[] picked = train.batch(manager.create(index).toDevice(train.images().getDevice(), false));
        picked[0].attach(manager);
        picked[1].attach(manager);
        return new TensorData(train.name() + "-sharpness", picked[0], picked[1], n, train.classes());
    }

    /** The weights the products act on, as one vector in the network's tensor order. */
    public double[] point() {
        int n = 0;
        for (NetworkState.Tensor t : point.tensors()) {
            n += measured(t) ? t.values().length : 0;
        }
        double[] out = new double[n];
        int at = 0;
        for (NetworkState.Tensor t : point.tensors()) {
            if (measured(t)) {
                for (float x : t.values()) {
                    out[at++] = x;
                }
            }
        }
        return out;
    }

    /** The gradient of the loss at weights {@code w}. */
    public double[] gradient(double[] w) {
        return pass(w);
    }

    /**
     * Hessian-vector products at {@code w}: central differences of the gradient along {@code v}
     * with every ReLU and max-pool decision frozen at {@code w} (FrozenKinks), so that they converge
     * to the product automatic differentiation gives. The step moves the weights by
     * {@link #RELATIVE_STEP} of their norm: in float32, large enough to stay above the gradient's
     * rounding and small enough for the curvature's change along it (ImageHessianTest measures
     * both against double backward). Double backward itself is not used here: through DJL it leaves
     * each weight's {@code .grad} holding its own graph, a reference cycle libtorch never frees
     * (~33 MB a product measured).
     */
    public UnaryOperator<double[]> hessianTimes(double[] w) {
        return hessianTimes(w, RELATIVE_STEP);
    }

    UnaryOperator<double[]> hessianTimes(double[] w, double relativeStep) {
        return v -> {
            double step = relativeStep * Vectors.norm(w) / Vectors.norm(v);
            double[] plus = w.clone();
            double[] minus = w.clone();
            for (int i = 0; i < w.length; i++) {
                plus[i] += step * v[i];
                minus[i] -= step * v[i];
            }
            NetworkState here = with(w);
            NetworkState ahead = with(plus);
            NetworkState behind = with(minus);
            int batches = sample.count() / batchSize;
            double[] hv = new double[w.length];
            try (Network net = Network.create(spec, manager, 0)) {
                List<Network.NamedTensor> weights = net.tensors().stream().filter(ImageHessian::measured).toList();
                for (int b = 0; b < batches; b++) {
                    try (NDScope scope = new NDScope()) {
                        NDArray[] batch = sample.slice(b * batchSize, (b + 1) * batchSize);
                        FrozenKinks kinks = new FrozenKinks();
                        net.freezeKinks(kinks);
                        net.load(here);
                        net.forward(batch[0], BnMode.BATCH);
                        kinks.replay();
                        net.load(ahead);
                        double[] g1 = gradient(net, weights, batch, w.length);
                        kinks.replay();
                        net.load(behind);
                        double[] g0 = gradient(net, weights, batch, w.length);
                        for (int i = 0; i < hv.length; i++) {
                            hv[i] += (g1[i] - g0[i]) / (2 * step);
                        }
                        net.freezeKinks(null);
                        scope.suppressNotUsedWarning();
                    }
                }
            }
            Vectors.scale(hv, 1.0 / batches);
            return hv;
        };
    }

    /** The gradient at {@code w}, the mean of the sample's batch gradients. */
    private double[] pass(double[] w) {
        NetworkState at = with(w);
        int batches = sample.count() / batchSize;
        double[] g = new double[w.length];
        try (Network net = Network.create(spec, manager, 0)) {
            net.load(at);
            List<Network.NamedTensor> weights = net.tensors().stream().filter(ImageHessian::measured).toList();
            for (int b = 0; b < batches; b++) {
                try (NDScope scope = new NDScope()) {
                    add(g, gradient(net, weights, sample.slice(b * batchSize, (b + 1) * batchSize), w.length));
                    scope.suppressNotUsedWarning();
                }
            }
        }
        Vectors.scale(g, 1.0 / batches);
        return g;
    }

    /** The batch's loss gradient over {@code weights}; leaves every gradient of the network at zero. */
    private static double[] gradient(Network net, List<Network.NamedTensor> weights, NDArray[] batch, int n) {
        try (GradientCollector collector = Torch.engine().newGradientCollector()) {
            collector.backward(CrossEntropy.mean(net.forward(batch[0], BnMode.BATCH), batch[1]));
        }
        double[] g = gradients(weights, n);
        for (Network.NamedTensor t : net.tensors()) {
            if (t.role().trained()) {
                NDArray grad = t.array().getGradient();
                grad.subi(grad);
            }
        }
        Torch.gradientsOff();
        return g;
    }

    /** The trained convolution kernels: the SI weights of the SI models, the kernels of the practical one. */
    private static boolean measured(Network.NamedTensor t) {
        return t.role().trained() && t.array().getShape().dimension() == 4;
    }

    private static boolean measured(NetworkState.Tensor t) {
        return t.role().trained() && t.shape().length == 4;
    }

    /** The weights' gradients as one vector of {@code n}, in their order. */
    static double[] gradients(List<Network.NamedTensor> weights, int n) {
        double[] out = new double[n];
        int at = 0;
        for (Network.NamedTensor t : weights) {
            for (float x : t.array().getGradient().toFloatArray()) {
                out[at++] = x;
            }
        }
        return out;
    }

    private static void add(double[] sum, double[] x) {
        for (int i = 0; i < sum.length; i++) {
            sum[i] += x[i];
        }
    }

    /** The point with its measured weights replaced by {@code w} (rounded to float32, as the device holds them). */
    private NetworkState with(double[] w) {
        List<NetworkState.Tensor> out = new ArrayList<>();
        int at = 0;
        for (NetworkState.Tensor t : point.tensors()) {
            if (measured(t)) {
                float[] values = new float[t.values().length];
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) w[at++];
                }
                out.add(new NetworkState.Tensor(t.name(), t.role(), t.shape(), values));
            } else {
                out.add(t);
            }
        }
        return new NetworkState(out);
    }
}
