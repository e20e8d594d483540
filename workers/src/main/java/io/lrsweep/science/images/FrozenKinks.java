package io.lrsweep.science.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import java.util.ArrayList;
import java.util.List;

/**
 * The ReLU and max-pool decisions of forward passes on one batch at one point, recorded once and
 * then replayed at nearby points: with them fixed the loss is smooth around the point, and its
 * gradient's finite differences converge to the Hessian that automatic differentiation gives (which
 * also takes a ReLU's slope and a max-pool's winner as constants). Unfrozen, a step moves some of
 * the network's ReLUs across their kinks and each jump of the gradient, divided by the step, stays
 * in the difference however small the step.
 */
final class FrozenKinks {
    /** Keeps a max-pool's losers out of the window's maximum when replayed (added to them). */
    private static final float LOSER = -1e30f;
    private final List<NDArray> decisions = new ArrayList<>();
    private boolean replaying;
    private int next;

    /** Starts replaying the recorded decisions from the first, for the next forward pass. */
    void replay() {
        replaying = true;
        next = 0;
    }

    NDArray relu(NDArray x) {
        if (!replaying) {
            NDArray open = x.gt(0).toType(x.getDataType(), false);
            decisions.add(open);
            return Activation.relu(x);
        }
        return x.mul(decision());
    }

    /** Max-pooling over k×k windows with stride k, as the networks do it when nothing is frozen. */
    static NDArray plainMaxPool(NDArray x, int k) {
        Shape window = new Shape(k, k);
        return Pool.maxPool2d(x, window, window, new Shape(0, 0), false);
    }

    /** {@link #plainMaxPool}, with each window's winner recorded, or the recorded winner taken. */
    NDArray maxPool(NDArray x, int k) {
        if (!replaying) {
            NDArray pooled = plainMaxPool(x, k);
            NDArray winners = x.eq(pooled.repeat(2, k).repeat(3, k)).toType(x.getDataType(), false);
            decisions.add(winners.sub(1).mul(-LOSER));
            return pooled;
        }
        return plainMaxPool(x.add(decision()), k);
    }

    private NDArray decision() {
        if (next >= decisions.size()) {
            throw new IllegalStateException("replayed forward pass has more kinks than the recorded one ("
                    + decisions.size() + ")");
        }
        return decisions.get(next++);
    }
}
