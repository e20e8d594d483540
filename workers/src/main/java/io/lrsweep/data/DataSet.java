package io.lrsweep.data;

import io.lrsweep.science.images.Normalization;
import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The catalogue of data sets a study may name: classes, normalisation and where the files come
 * from. Adding a data set is one entry here (and its reader, when its format is new).
 */
public enum DataSet {
    /** The synthetic "ticks" data of the feature-sparsity study, generated from a data seed. */
    TICKS("ticks", 2, 0, null, null),
    CIFAR10("cifar10", 10, 50_000, Normalization.CIFAR, new CifarArchive(CifarReader.CIFAR10, "cifar-10-binary.tar.gz",
            URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"), "c32a1d4ab5d03f1284b67883e8d87530")),
    CIFAR100("cifar100", 100, 50_000, Normalization.CIFAR, new CifarArchive(CifarReader.CIFAR100, "cifar-100-binary.tar.gz",
            URI.create("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"), "03b5dce01913d631647c71ecec9e9cb8")),
    /** Fashion-MNIST (our addition): Debian's package by default, zero-padded to 32×32. */
    FASHION_MNIST("fashion-mnist", 10, 60_000, Normalization.FASHION_MNIST,
            new IdxDirectory(FashionMnistReader.DEBIAN_DIR, "dataset-fashion-mnist"));

    /** Where the files of an image data set come from. */
    public sealed interface ImageFiles permits CifarArchive, IdxDirectory {
    }

    /** An official CIFAR binary archive: its reader, file name, URL and the MD5 published beside it. */
    public record CifarArchive(CifarReader reader, String fileName, URI url, String md5) implements ImageFiles {
    }

    /** IDX files in a directory, by default the one a Debian package installs. */
    public record IdxDirectory(Path defaultDir, String debianPackage) implements ImageFiles {
    }

    private final String id;
    private final int classes;
    private final int trainImages;
    private final Normalization normalization;
    private final ImageFiles files;

    DataSet(String id, int classes, int trainImages, Normalization normalization, ImageFiles files) {
        this.id = id;
        this.classes = classes;
        this.trainImages = trainImages;
        this.normalization = normalization;
        this.files = files;
    }

    /** The name studies use ({@code dataset} field). */
    public String id() {
        return id;
    }

    public int classes() {
        return classes;
    }

    /** Images in the whole training set (image data sets; 0 for generated data). */
    public int trainImages() {
        return trainImages;
    }

    /** Per-channel mean and std of the full images (image data sets only). */
    public Normalization normalization() {
        return normalization;
    }

    /** Where an image data set's files come from; null for generated data. */
    public ImageFiles files() {
        return files;
    }

    public boolean isImage() {
        return files != null;
    }

    /** The data set called {@code id}. */
    public static Optional<DataSet> named(String id) {
        return Arrays.stream(values()).filter(d -> d.id.equals(id)).findFirst();
    }

    /** The names of the image data sets, for messages and validation. */
    public static List<String> imageIds() {
        return Arrays.stream(values()).filter(DataSet::isImage).map(DataSet::id).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
