package io.lrsweep.science.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Keeps the SI weights of a network on the sphere: all SI tensors are rescaled together so that
 * their joint norm is rho. Computed on the network's device, the norm in double precision.
 */
public final class SiSphere {
    private SiSphere() {
    }

    /** The joint norm of the SI tensors as a 0-d array on the device (no host round trip). */
    static NDArray norm(Network net) {
        NDArray total = null;
        for (Network.NamedTensor t : net.tensors()) {
            if (t.role() == TensorRole.SI) {
                NDArray s = t.array().toType(DataType.FLOAT64, false).square().sum();
                total = total == null ? s : total.add(s);
            }
        }
        if (total == null) {
            throw new IllegalStateException(net.spec().architecture() + " has no SI weights");
        }
        return total.sqrt();
    }

    /** The joint norm of the SI tensors. */
    public static double normOf(Network net) {
        return norm(net).getDouble();
    }

    /** Rescales the SI tensors in place to joint norm {@code rho} of the architecture. */
    public static void project(Network net) {
        Torch.gradientsOff();
        NDArray factor = norm(net).pow(-1).mul(net.spec().architecture().rho()).toType(DataType.FLOAT32, false);
        for (Network.NamedTensor t : net.tensors()) {
            if (t.role() == TensorRole.SI) {
                t.array().muli(factor);
            }
        }
    }
}
