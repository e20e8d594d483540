package io.lrsweep.science.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import io.lrsweep.science.SeededRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image classifier built from DJL operations: named tensors (parameters and BatchNorm buffers)
 * on one device and a forward pass. Initialisation is drawn on the host from a seed, so the same
 * seed gives the same network on every device.
 */
public abstract sealed class Network implements AutoCloseable permits SiConvNet, PreActResNet18 {
    private final NetworkSpec spec;
    private final NDManager manager;
    private final Map<String, NamedTensor> tensors = new LinkedHashMap<>();
    private final List<BatchNormLayer> batchNorms = new ArrayList<>();
    /** When set, ReLUs and max-pools record or replay their decisions (ImageHessian); otherwise plain. */
    private FrozenKinks kinks;

    /** A tensor of the network and its role. */
    public record NamedTensor(String name, TensorRole role, NDArray array) {
    }

    protected Network(NetworkSpec spec, NDManager parent) {
        this.spec = spec;
        this.manager = parent.newSubManager();
    }

    /** Builds the network of {@code spec} on {@code device} (tensors belong to a sub-manager of {@code parent}). */
    public static Network create(NetworkSpec spec, NDManager parent, long seed) {
        Torch.gradientsOff();
        SeededRandom random = SeededRandom.derive(seed, "init");
        Network net = switch (spec.architecture()) {
            case SI_CONVNET -> new SiConvNet(spec, parent, random);
            case SI_RESNET18, RESNET18 -> new PreActResNet18(spec, parent, random);
        };
        net.finishInitialisation();
        return net;
    }

    public NetworkSpec spec() {
        return spec;
    }

    NDManager manager() {
        return manager;
    }

    public List<NamedTensor> tensors() {
        return Collections.unmodifiableList(new ArrayList<>(tensors.values()));
    }

    /** Logits of a batch of normalised images (N×C×32×32). */
    public abstract NDArray forward(NDArray images, BnMode mode);

    NDArray tensor(String name, TensorRole role, NDArray value) {
        if (tensors.containsKey(name)) {
            throw new IllegalStateException("tensor " + name + " defined twice");
        }
        if (role.trained()) {
            value.setRequiresGradient(true);
        }
        tensors.put(name, new NamedTensor(name, role, value));
        return value;
    }

    /** A convolution weight out×in×k×k, PyTorch's default initialisation U(±1/√fan_in). */
    NDArray convWeight(String name, int out, int in, int k, TensorRole role, SeededRandom random) {
        return tensor(name, role, uniform(new Shape(out, in, k, k), 1.0 / Math.sqrt((double) in * k * k), random));
    }

    NDArray uniform(Shape shape, double bound, SeededRandom random) {
        float[] v = new float[(int) shape.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.uniform(-bound, bound);
        }
        return manager.create(v, shape);
    }

    BatchNormLayer batchNorm(String name, int channels, boolean affine) {
        BatchNormLayer bn = new BatchNormLayer(this, name, channels, affine);
        batchNorms.add(bn);
        return bn;
    }

    static NDArray conv(NDArray x, NDArray weight, int stride, int padding) {
        return Conv2d.conv2d(x, weight, null, new Shape(stride, stride), new Shape(padding, padding),
                new Shape(1, 1), 1).singletonOrThrow();
    }

    NDArray relu(NDArray x) {
        return kinks == null ? Activation.relu(x) : kinks.relu(x);
    }

    /** Max-pooling over k×k windows with stride k. */
    NDArray maxPool(NDArray x, int k) {
        return kinks == null ? FrozenKinks.plainMaxPool(x, k) : kinks.maxPool(x, k);
    }

    /** Forward passes from now on record into, or replay, {@code frozen}; {@code null} for plain ones. */
    void freezeKinks(FrozenKinks frozen) {
        this.kinks = frozen;
    }

    static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return (bias == null ? Linear.linear(x, weight) : Linear.linear(x, weight, bias)).singletonOrThrow();
    }

    /**
     * SI models: the head rescaled to Frobenius norm 10 and the SI weights jointly to norm rho
     * (study-spec §2).
     */
    private void finishInitialisation() {
        if (!spec.architecture().scaleInvariant()) {
            return;
        }
        for (NamedTensor t : tensors.values()) {
            if (t.role() == TensorRole.FIXED) {
                double norm = t.array().toType(DataType.FLOAT64, false).square().sum().sqrt().getDouble();
                t.array().muli((float) (NetworkSpec.HEAD_NORM / norm));
            }
        }
        SiSphere.project(this);
    }

    void startCollecting() {
        batchNorms.forEach(BatchNormLayer::startCollecting);
    }

    void finishCollecting() {
        batchNorms.forEach(BatchNormLayer::finishCollecting);
    }

    /** Number of scalar weights in the SI tensors. */
    public long siParameterCount() {
        return tensors.values().stream().filter(t -> t.role() == TensorRole.SI)
                .mapToLong(t -> t.array().getShape().size()).sum();
    }

    /** A host copy of every tensor: the network's point in weight space plus its BN statistics. */
    public NetworkState snapshot() {
        List<NetworkState.Tensor> out = new ArrayList<>();
        for (NamedTensor t : tensors.values()) {
            out.add(new NetworkState.Tensor(t.name(), t.role(), t.array().getShape().getShape(),
                    t.array().toFloatArray()));
        }
        return new NetworkState(out);
    }

    /** Overwrites every tensor with the values of {@code state}, which must have the same names and shapes. */
    public void load(NetworkState state) {
        Torch.gradientsOff();
        if (state.tensors().size() != tensors.size()) {
            throw new IllegalArgumentException("state has " + state.tensors().size() + " tensors, network "
                    + tensors.size() + ": not this model");
        }
        for (NetworkState.Tensor t : state.tensors()) {
            NamedTensor mine = tensors.get(t.name());
            if (mine == null || mine.array().getShape().size() != t.values().length || mine.role() != t.role()) {
                throw new IllegalArgumentException("state tensor " + t.name() + " does not fit this model");
            }
            mine.array().set(t.values());
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
