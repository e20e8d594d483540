package io.lrsweep.data;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.lrsweep.science.images.FourierBands;
import io.lrsweep.science.images.ImageBytes;
import io.lrsweep.science.images.ImageSet;
import io.lrsweep.science.images.ImageSplit;
import io.lrsweep.science.images.TensorData;
import io.lrsweep.science.images.Torch;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The data of an image study on one device: training subset, test subset and the test set's
 * Fourier-band images. {@link DataCache} makes and closes them; stages hold them through a lease.
 */
public final class ImageTensors implements AutoCloseable {
    /** Which tensors: the data set, its source, the subset sizes (0 = all) and the device. */
    public record Key(DataSet dataset, String source, int trainSize, int testSize, Device device) {
    }

    /** Test images keeping only one frequency band (study-spec §6). */
    public record Band(String name, TensorData data) {
    }

    private final Key key;
    private final NDManager manager;
    private final int channels;
    private final int classes;
    /** The test subset as bytes, for the bands; the floats exist only while uploading. */
    private final ImageBytes testBytes;
    private final TensorData train;
    private final TensorData test;
    private List<Band> bands;

    ImageTensors(Key key, ImageSplit split) {
        this.key = key;
        this.manager = Torch.engine().newBaseManager(key.device());
        ImageBytes trainBytes = key.trainSize() > 0 ? split.train().balancedSubset(key.trainSize()) : split.train();
        this.testBytes = key.testSize() > 0 ? split.test().balancedSubset(key.testSize()) : split.test();
        this.channels = trainBytes.channels();
        this.classes = trainBytes.classes();
        this.train = TensorData.upload(manager, trainBytes.decoded(), key.dataset().normalization());
        this.test = TensorData.upload(manager, testBytes.decoded(), key.dataset().normalization());
    }

    public NDManager manager() {
        return manager;
    }

    public TensorData train() {
        return train;
    }

    public TensorData test() {
        return test;
    }

    /** Colour channels of the images. */
    public int channels() {
        return channels;
    }

    public int classes() {
        return classes;
    }

    /**
     * The band-only test sets, computed on first use: the band images of the [0,1] pixels, with
     * only the background band normalised like the full image (study-spec §6).
     */
    public synchronized List<Band> bands() {
        if (bands == null) {
            List<FourierBands.Band> paper = FourierBands.PAPER_BANDS;
            ImageSet testSet = testBytes.decoded();
            float[][] split = FourierBands.split(testSet.pixels(), testSet.count(), testSet.channels(),
                    testSet.height(), paper);
            List<Band> out = new ArrayList<>();
            for (int i = 0; i < paper.size(); i++) {
                String name = paper.get(i).name();
                ImageSet only = testSet.withPixels(testSet.name() + "/" + name, split[i]);
                out.add(new Band(name, TensorData.upload(manager, only,
                        Objects.equals(name, "background") ? key.dataset().normalization() : null)));
            }
            bands = out;
        }
        return bands;
    }

    @Override
    public void close() {
        manager.close();
    }
}
