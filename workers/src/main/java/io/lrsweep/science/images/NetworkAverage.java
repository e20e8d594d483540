package io.lrsweep.science.images;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SWA for image networks: the uniform mean of checkpoints added one at a time (sums in double),
 * so memory stays at one network whatever K is. Fixed tensors must agree across checkpoints.
 */
public final class NetworkAverage {
    private NetworkState first;
    private double[][] sums;
    private int count;

    public void add(NetworkState s) {
        if (first == null) {
            first = s;
            sums = new double[s.tensors().size()][];
            for (int i = 0; i < sums.length; i++) {
                sums[i] = new double[s.tensors().get(i).values().length];
            }
        } else if (!first.sameLayout(s)) {
            throw new IllegalArgumentException("checkpoints are not of the same model");
        }
        for (int i = 0; i < sums.length; i++) {
            NetworkState.Tensor t = s.tensors().get(i);
            if (t.role() == TensorRole.FIXED && !Arrays.equals(t.values(), first.tensors().get(i).values())) {
                throw new IllegalArgumentException("checkpoints differ in the fixed tensor " + t.name()
                        + ": not one training run");
            }
            float[] v = t.values();
            double[] sum = sums[i];
            for (int j = 0; j < v.length; j++) {
                sum[j] += v[j];
            }
        }
        count++;
    }

    public int count() {
        return count;
    }

    /** The mean; BN statistics in it are placeholders until they are recomputed on the data. */
    public NetworkState result() {
        if (count == 0) {
            throw new IllegalStateException("no checkpoint was added");
        }
        List<NetworkState.Tensor> out = new ArrayList<>();
        for (int i = 0; i < sums.length; i++) {
            float[] v = new float[sums[i].length];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) (sums[i][j] / count);
            }
            out.add(first.tensors().get(i).withValues(v));
        }
        return new NetworkState(out);
    }
}
