package io.lrsweep.science.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
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
 * exact (double backward through libtorch), not finite differences (study-spec §6 allows those
 * only where no double backward exists).
 */
public final class ImageHessian {
    /**
     * How many training images the loss is measured on: PyHessian's examples measure on one batch;
     * this is four of 128, so that a product costs about 2 s on 2 CPU cores for the quick
     * Fashion-MNIST ConvNet.
     */
    public static final int SAMPLE_SIZE = 512;
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
        return pass(w, null)[0];
    }

    /**
     * Hessian-vector products at {@code w}: automatic differentiation of {@code gᵀv} through the
     * graph of the gradient (double backward), the product PyHessian computes. Finite differences
     * of the gradient cannot stand in here: in float32 a step large enough to rise above rounding
     * moves ~0.1 % of the ReLUs across their kinks, whose jumps divided by the step do not vanish
     * as it shrinks (products off by 200 % in ImageHessianTest's symmetry check).
     */
    public UnaryOperator<double[]> hessianTimes(double[] w) {
        return v -> pass(w, v)[1];
    }

    /**
     * The gradient at {@code w} and, when {@code v} is given, the Hessian times {@code v}: per batch
     * on a network of its own, because a gradient that carries its graph stays in the weights'
     * {@code .grad} (libtorch accumulates into it and DJL cannot reset it), and the next batch's
     * second backward would run into that freed graph.
     */
    private double[][] pass(double[] w, double[] v) {
        NetworkState at = with(w);
        int batches = sample.count() / batchSize;
        double[] g = new double[w.length];
        double[] hv = new double[w.length];
        for (int b = 0; b < batches; b++) {
            try (Network net = Network.create(spec, manager, 0)) {
                net.load(at);
                List<Network.NamedTensor> weights = net.tensors().stream().filter(ImageHessian::measured).toList();
                try (NDScope scope = new NDScope(); GradientCollector ignored = Torch.engine().newGradientCollector()) {
                    NDArray[] batch = sample.slice(b * batchSize, (b + 1) * batchSize);
                    NDArray loss = CrossEntropy.mean(net.forward(batch[0], BnMode.BATCH), batch[1]);
                    // DJL's collector offers no create_graph; its JNI call does.
                    JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), v != null, v != null);
                    double[] first = gradients(weights, w.length);
                    add(g, first);
                    if (v != null) {
                        NDArray gv = null;
                        int from = 0;
                        for (Network.NamedTensor t : weights) {
                            NDArray tensor = t.array();
                            float[] part = new float[(int) tensor.getShape().size()];
                            for (int i = 0; i < part.length; i++) {
                                part[i] = (float) v[from++];
                            }
                            NDArray direction = tensor.getManager().create(part, tensor.getShape())
                                    .toDevice(tensor.getDevice(), false);
                            NDArray term = tensor.getGradient().mul(direction).sum();
                            gv = gv == null ? term : gv.add(term);
                        }
                        JniUtils.backward((PtNDArray) gv, (PtNDArray) gv.onesLike(), false, false);
                        // The second backward accumulates Hv onto the gradient it differentiated.
                        double[] second = gradients(weights, w.length);
                        for (int i = 0; i < hv.length; i++) {
                            hv[i] += second[i] - first[i];
                        }
                    }
                    scope.suppressNotUsedWarning();
                }
            }
        }
        Torch.gradientsOff();
        Vectors.scale(g, 1.0 / batches);
        Vectors.scale(hv, 1.0 / batches);
        return new double[][] {g, hv};
    }

    /** The trained convolution kernels: the SI weights of the SI models, the kernels of the practical one. */
    private static boolean measured(Network.NamedTensor t) {
        return t.role().trained() && t.array().getShape().dimension() == 4;
    }

    private static boolean measured(NetworkState.Tensor t) {
        return t.role().trained() && t.shape().length == 4;
    }

    private static double[] gradients(List<Network.NamedTensor> weights, int n) {
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
