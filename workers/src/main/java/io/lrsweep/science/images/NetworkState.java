package io.lrsweep.science.images;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A host copy of a network's tensors in their order: a point in weight space together with its
 * BatchNorm statistics. Values are float32, exactly as on the device.
 */
public record NetworkState(List<Tensor> tensors) {
    public NetworkState {
        tensors = List.copyOf(tensors);
    }

    /** One named tensor and its shape. */
    public record Tensor(String name, TensorRole role, long[] shape, float[] values) {
        public Tensor {
            long size = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            if (size != values.length) {
                throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape)
                        + " does not hold " + values.length + " values");
            }
        }

        Tensor withValues(float[] v) {
            return new Tensor(name, role, shape, v);
        }
    }

    /**
     * The weights angles are measured over, flattened in double precision: the trained convolution
     * kernels (the 4-D tensors). In the SI models these are exactly the SI weights; in the practical
     * model they leave out BN's scale and shift and the head, as the authors do (study-spec §5).
     */
    public double[] geometryVector() {
        int n = 0;
        for (Tensor t : tensors) {
            if (isConvolution(t)) {
                n += t.values().length;
            }
        }
        double[] out = new double[n];
        int at = 0;
        for (Tensor t : tensors) {
            if (isConvolution(t)) {
                for (float v : t.values()) {
                    out[at++] = v;
                }
            }
        }
        return out;
    }

    /**
     * {@code log10(‖W[i]‖ / rho)} of every output filter of every trained convolution kernel; for
     * a model without a sphere ({@code rho} 0) the norm of all kernels together stands for rho.
     */
    public double[] filterNorms(double rho) {
        double scale = rho > 0 ? rho : norm(geometryVector());
        List<Double> out = new ArrayList<>();
        for (Tensor t : tensors) {
            if (isConvolution(t)) {
                int filters = (int) t.shape()[0];
                int per = t.values().length / filters;
                for (int f = 0; f < filters; f++) {
                    double squares = 0;
                    for (int j = f * per; j < (f + 1) * per; j++) {
                        squares += (double) t.values()[j] * t.values()[j];
                    }
                    out.add(Math.log10(Math.sqrt(squares) / scale));
                }
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double norm(double[] v) {
        double squares = 0;
        for (double x : v) {
            squares += x * x;
        }
        return Math.sqrt(squares);
    }

    private static boolean isConvolution(Tensor t) {
        return t.role().trained() && t.shape().length == 4;
    }

    /** The factor that brings the SI weights of {@code s} to norm {@code rho} (1 without SI weights or rho). */
    private static double siScale(NetworkState s, double rho) {
        double squares = 0;
        for (Tensor t : s.tensors) {
            if (t.role() == TensorRole.SI) {
                for (float v : t.values()) {
                    squares += (double) v * v;
                }
            }
        }
        return rho > 0 && squares > 0 ? rho / Math.sqrt(squares) : 1;
    }

    /** Is {@code other} the same model (names, roles and shapes)? */
    public boolean sameLayout(NetworkState other) {
        if (other.tensors.size() != tensors.size()) {
            return false;
        }
        for (int i = 0; i < tensors.size(); i++) {
            Tensor a = tensors.get(i);
            Tensor b = other.tensors.get(i);
            if (!a.name().equals(b.name()) || a.role() != b.role() || !Arrays.equals(a.shape(), b.shape())) {
                return false;
            }
        }
        return true;
    }

    public boolean sameAs(NetworkState other) {
        if (!sameLayout(other)) {
            return false;
        }
        for (int i = 0; i < tensors.size(); i++) {
            if (!Arrays.equals(tensors.get(i).values(), other.tensors.get(i).values())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The point {@code (1−α)·a + α·b} on every tensor; with {@code rho > 0} the SI weights of both
     * end points are first brought to norm rho and those of the mix are then rescaled jointly to
     * norm rho (BN statistics are mixed too, but are meant to be recomputed).
     */
    public static NetworkState interpolate(NetworkState a, NetworkState b, double alpha, double rho) {
        if (!a.sameLayout(b)) {
            throw new IllegalArgumentException("the two points are not of the same model");
        }
        // Both end points go to the sphere first (the SWA point's SI norm is below rho), as the authors do.
        double scaleA = siScale(a, rho);
        double scaleB = siScale(b, rho);
        List<Tensor> out = new ArrayList<>();
        double siSquares = 0;
        List<double[]> mixed = new ArrayList<>();
        for (int i = 0; i < a.tensors.size(); i++) {
            float[] x = a.tensors.get(i).values();
            float[] y = b.tensors.get(i).values();
            boolean si = a.tensors.get(i).role() == TensorRole.SI;
            double sx = si ? scaleA : 1;
            double sy = si ? scaleB : 1;
            double[] m = new double[x.length];
            for (int j = 0; j < x.length; j++) {
                m[j] = (1 - alpha) * x[j] * sx + alpha * y[j] * sy;
                if (a.tensors.get(i).role() == TensorRole.SI) {
                    siSquares += m[j] * m[j];
                }
            }
            mixed.add(m);
        }
        double scale = rho > 0 && siSquares > 0 ? rho / Math.sqrt(siSquares) : 1;
        for (int i = 0; i < a.tensors.size(); i++) {
            double s = a.tensors.get(i).role() == TensorRole.SI ? scale : 1;
            double[] m = mixed.get(i);
            float[] v = new float[m.length];
            for (int j = 0; j < m.length; j++) {
                v[j] = (float) (m[j] * s);
            }
            out.add(a.tensors.get(i).withValues(v));
        }
        return new NetworkState(out);
    }
}
