package io.lrsweep.science.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.List;

/**
 * The reference for ImageHessian's products: exact Hessian-vector products by double backward
 * through libtorch (DJL's JNI backward with create_graph). Tests only: each product leaves its
 * graph in a reference cycle through the weights' {@code .grad} that libtorch never frees, a few
 * MB per product on the tests' small network.
 */
final class DoubleBackwardProducts {
    private DoubleBackwardProducts() {
    }

    /** H·v at the point {@code at} over the trained 4-d kernels, averaged over the sample's batches. */
    static double[] times(NetworkSpec spec, NetworkState at, TensorData sample, int batchSize, double[] v) {
        int batches = sample.count() / batchSize;
        double[] hv = new double[v.length];
        for (int b = 0; b < batches; b++) {
            // A network per batch: the graph left in .grad would meet the next batch's backward.
            try (Network net = Network.create(spec, sample.images().getManager(), 0)) {
                net.load(at);
                List<Network.NamedTensor> weights = net.tensors().stream()
                        .filter(t -> t.role().trained() && t.array().getShape().dimension() == 4).toList();
                try (NDScope scope = new NDScope(); GradientCollector ignored = Torch.engine().newGradientCollector()) {
                    NDArray[] batch = sample.slice(b * batchSize, (b + 1) * batchSize);
                    NDArray loss = CrossEntropy.mean(net.forward(batch[0], BnMode.BATCH), batch[1]);
                    JniUtils.backward((PtNDArray) loss, (PtNDArray) loss.onesLike(), true, true);
                    double[] first = ImageHessian.gradients(weights, v.length);
                    NDArray gv = null;
                    int from = 0;
                    for (Network.NamedTensor t : weights) {
                        NDArray tensor = t.array();
                        float[] part = new float[(int) tensor.getShape().size()];
                        for (int i = 0; i < part.length; i++) {
                            part[i] = (float) v[from++];
                        }
                        NDArray term = tensor.getGradient().mul(tensor.getManager().create(part, tensor.getShape()))
                                .sum();
                        gv = gv == null ? term : gv.add(term);
                    }
                    JniUtils.backward((PtNDArray) gv, (PtNDArray) gv.onesLike(), false, false);
                    // The second backward accumulates H·v onto the gradient it differentiated.
                    double[] second = ImageHessian.gradients(weights, v.length);
                    for (int i = 0; i < hv.length; i++) {
                        hv[i] += (second[i] - first[i]) / batches;
                    }
                    scope.suppressNotUsedWarning();
                }
            }
        }
        Torch.gradientsOff();
        return hv;
    }
}
