package io.lrsweep.stages;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.lrsweep.science.images.FourierBands;
import io.lrsweep.science.images.ImageSet;
import io.lrsweep.science.images.ImageSplit;
import io.lrsweep.science.images.NetworkSpec;
import io.lrsweep.science.images.Normalization;
import io.lrsweep.science.images.TensorData;
import io.lrsweep.science.images.Torch;
import io.lrsweep.study.StudyConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The data of an image study on this worker's device: training subset, test subset and the test
 * set's Fourier-band images, uploaded once per process and kept while studies use the same data.
 */
public final class ImageTensors {
    /** System property (or environment variable {@code LRSWEEP_DEVICE}) choosing cpu, gpu or auto. */
    public static final String DEVICE_PROPERTY = "lrsweep.device";
    private static ImageTensors current;

    private record Key(String dataset, String source, int trainSize, int testSize, Device device) {
    }

    /** Test images keeping only one frequency band (study-spec §6). */
    public record Band(String name, TensorData data) {
    }

    private final Key key;
    private final NDManager manager;
    private final ImageSet trainSet;
    private final ImageSet testSet;
    private final Normalization normalization;
    private final TensorData train;
    private final TensorData test;
    private List<Band> bands;

    private ImageTensors(Key key, ImageSplit split) {
        this.key = key;
        this.manager = Torch.engine().newBaseManager(key.device());
        this.trainSet = key.trainSize() > 0 ? split.train().balancedSubset(key.trainSize()) : split.train();
        this.testSet = key.testSize() > 0 ? split.test().balancedSubset(key.testSize()) : split.test();
        this.normalization = "fashion-mnist".equals(key.dataset()) ? Normalization.FASHION_MNIST : Normalization.CIFAR;
        this.train = TensorData.upload(manager, trainSet, normalization);
        this.test = TensorData.upload(manager, testSet, normalization);
    }

    /** The device image stages run on: {@value #DEVICE_PROPERTY}, else LRSWEEP_DEVICE, else auto. */
    public static Device device() {
        String p = System.getProperty(DEVICE_PROPERTY, System.getenv("LRSWEEP_DEVICE"));
        return Torch.device(p == null || p.isBlank() ? "auto" : p);
    }

    /** The tensors of {@code c}'s data, loading (and replacing the previous study's) when needed. */
    public static synchronized ImageTensors of(StudyConfig c) throws IOException {
        Key key = new Key(c.dataset(), c.dataSource(), c.trainSize(), c.testSize(), device());
        if (current != null && current.key.equals(key)) {
            return current;
        }
        ImageSplit split = ImageData.of(c.dataset(), c.dataSource());
        if (current != null) {
            current.manager.close();
            current = null;
        }
        current = new ImageTensors(key, split);
        return current;
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

    /** The network of the study for this data (input channels and classes from the data set). */
    public NetworkSpec spec(StudyConfig c) {
        return new NetworkSpec(NetworkSpec.Architecture.of(c.model()), c.width(), trainSet.channels(),
                trainSet.classes());
    }

    /**
     * The band-only test sets, computed on first use: the band images of the [0,1] pixels, with
     * only the background band normalised like the full image (study-spec §6).
     */
    public synchronized List<Band> bands() {
        if (bands == null) {
            List<FourierBands.Band> paper = FourierBands.PAPER_BANDS;
            float[][] split = FourierBands.split(testSet.pixels(), testSet.count(), testSet.channels(),
                    testSet.height(), paper);
            List<Band> out = new ArrayList<>();
            for (int i = 0; i < paper.size(); i++) {
                String name = paper.get(i).name();
                ImageSet only = testSet.withPixels(testSet.name() + "/" + name, split[i]);
                out.add(new Band(name, TensorData.upload(manager, only,
                        Objects.equals(name, "background") ? normalization : null)));
            }
            bands = out;
        }
        return bands;
    }
}
