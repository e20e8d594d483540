package io.lrsweep.science.images;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A labelled image set as two tensors on a device (normalised images N×C×H×W float32, labels
 * int64), uploaded once; batches are gathered from it by index, with no per-sample Java objects.
 */
public record TensorData(String name, NDArray images, NDArray labels, int count, int classes) implements AutoCloseable {

    /** Uploads {@code set}; {@code normalization} null keeps the pixels as they are. */
    public static TensorData upload(NDManager manager, ImageSet set, Normalization normalization) {
        float[] pixels = normalization == null ? set.pixels() : normalization.apply(set);
        NDArray images = manager.create(pixels, new Shape(set.count(), set.channels(), set.height(), set.width()));
        long[] labels = new long[set.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = set.labels()[i];
        }
        return new TensorData(set.name(), images, manager.create(labels), set.count(), set.classes());
    }

    /** Images and labels of the samples whose indices are in {@code index} (int64 on the same device). */
    NDArray[] batch(NDArray index) {
        return new NDArray[] {images.get(index), labels.get(index)};
    }

    /** The samples {@code from..to−1} in stored order. */
    NDArray[] slice(int from, int to) {
        NDManager m = images.getManager();
        NDArray index = m.arange(from, to, 1, DataType.INT64);
        return batch(index);
    }

    @Override
    public void close() {
        images.close();
        labels.close();
    }
}
