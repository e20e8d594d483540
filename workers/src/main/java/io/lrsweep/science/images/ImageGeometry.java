package io.lrsweep.science.images;

import io.lrsweep.science.AngularDistance;
import io.lrsweep.science.ErrorBarrier;
import io.lrsweep.science.Evaluation;

/**
 * Angle and linear-interpolation error curves between two points of an image network (study-spec
 * §6): at each of the 21 points the weights are mixed, the SI weights re-projected to rho, BN
 * statistics recomputed on the training set, then the train error measured with batch statistics
 * and the test error with the recomputed running statistics.
 */
public final class ImageGeometry {
    private ImageGeometry() {
    }

    /** Error curves (and the train-mode loss) along the segment from {@code a} to {@code b}, and the angle between them. */
    public record Segment(double angle, double[] trainErrors, double[] testErrors, double[] trainLosses) {
        public double trainBarrier() {
            return ErrorBarrier.of(trainErrors);
        }

        public double testBarrier() {
            return ErrorBarrier.of(testErrors);
        }
    }

    /**
     * Measures the segment on {@code net} (its tensors are overwritten). {@code trainBatch} is the
     * training batch size, whose batch statistics the train error uses.
     */
    public static Segment measure(Network net, NetworkState a, NetworkState b, TensorData train, TensorData test,
                                  int trainBatch, int evalBatch) {
        double rho = net.spec().architecture().rho();
        double[] trainErrors = new double[ErrorBarrier.POINTS];
        double[] testErrors = new double[ErrorBarrier.POINTS];
        double[] trainLosses = new double[ErrorBarrier.POINTS];
        for (int i = 0; i < ErrorBarrier.POINTS; i++) {
            double alpha = (double) i / (ErrorBarrier.POINTS - 1);
            net.load(NetworkState.interpolate(a, b, alpha, rho));
            ImageEvaluation.recomputeBatchNorm(net, train, evalBatch);
            Evaluation trainMode = ImageEvaluation.evaluate(net, train, BnMode.BATCH, trainBatch);
            trainErrors[i] = trainMode.error();
            trainLosses[i] = trainMode.loss();
            testErrors[i] = ImageEvaluation.evaluate(net, test, BnMode.EVAL, evalBatch).error();
        }
        return new Segment(AngularDistance.radians(a.geometryVector(), b.geometryVector()), trainErrors, testErrors,
                trainLosses);
    }
}
