package io.lrsweep.science;

/** Mean loss and accuracy of a model on a data set. */
public record Evaluation(double loss, double accuracy) {
    public double error() {
        return 1.0 - accuracy;
    }
}
