package io.lrsweep.science;

/**
 * An effective learning rate on the sphere of radius rho: the SGD step uses {@code lr = ELR·rho²},
 * which makes the angular step independent of rho. Every PLR and FLR of the SI study is an ELR.
 */
public record Elr(double value) {
    public Elr {
        if (!(value > 0) || !Double.isFinite(value)) {
            throw new IllegalArgumentException("effective learning rate must be positive and finite: " + value);
        }
    }

    public double learningRate(double rho) {
        return value * rho * rho;
    }
}
