package io.lrsweep.data;

import io.lrsweep.science.images.ImageBytes;
import io.lrsweep.science.images.ImageSplit;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads Fashion-MNIST from its IDX files (gzip or plain) and zero-pads the 28×28 images to 32×32,
 * the input size of the CIFAR networks.
 */
public final class FashionMnistReader {
    /** Where Debian's {@code dataset-fashion-mnist} package puts the gzip files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    /** Side of the stored images. */
    public static final int SOURCE_SIDE = 28;
    /** Side after padding. */
    public static final int SIDE = 32;
    /** Zero pixels added on each side. */
    public static final int PAD = (SIDE - SOURCE_SIDE) / 2;
    public static final int CLASSES = 10;

    private static final int IMAGES_MAGIC = 2051;
    private static final int LABELS_MAGIC = 2049;

    private FashionMnistReader() {
    }

    /** Reads {@code train-*} and {@code t10k-*} from {@code dir}. */
    public static ImageSplit read(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no Fashion-MNIST directory there");
        }
        return new ImageSplit(read(dir, "train", "fashion-mnist/train"), read(dir, "t10k", "fashion-mnist/test"));
    }

    private static ImageBytes read(Path dir, String prefix, String name) throws IOException {
        Path imageFile = find(dir, prefix + "-images-idx3-ubyte");
        Path labelFile = find(dir, prefix + "-labels-idx1-ubyte");
        ByteBuffer images = ByteBuffer.wrap(bytes(imageFile));
        ByteBuffer labelBytes = ByteBuffer.wrap(bytes(labelFile));
        int count = header(images, imageFile, IMAGES_MAGIC, 16);
        int rows = images.getInt();
        int cols = images.getInt();
        if (rows != SOURCE_SIDE || cols != SOURCE_SIDE) {
            throw new IOException(imageFile + ": images are " + rows + "×" + cols + ", expected " + SOURCE_SIDE + "×"
                    + SOURCE_SIDE);
        }
        long pixelBytes = (long) count * SOURCE_SIDE * SOURCE_SIDE;
        if (images.remaining() != pixelBytes) {
            throw new IOException(imageFile + ": " + images.remaining() + " bytes of pixels, the header's " + count
                    + " images need " + pixelBytes);
        }
        int labelCount = header(labelBytes, labelFile, LABELS_MAGIC, 8);
        if (labelCount != count || labelBytes.remaining() != count) {
            throw new IOException(labelFile + ": " + labelCount + " labels in the header and " + labelBytes.remaining()
                    + " bytes of labels for the " + count + " images of " + imageFile);
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = labelBytes.get() & 0xff;
            if (labels[i] >= CLASSES) {
                throw new IOException(labelFile + ": label " + i + " is " + labels[i] + ", outside 0.." + (CLASSES - 1));
            }
        }
        byte[] levels = new byte[count * SIDE * SIDE];
        byte[] raw = images.array();
        int from = images.position();
        for (int i = 0; i < count; i++) {
            int image = i * SIDE * SIDE;
            for (int y = 0; y < SOURCE_SIDE; y++, from += SOURCE_SIDE) {
                System.arraycopy(raw, from, levels, image + (y + PAD) * SIDE + PAD, SOURCE_SIDE);
            }
        }
        return new ImageBytes(name, levels, labels, 1, SIDE, SIDE, CLASSES);
    }

    /** Checks the magic number and returns the item count. */
    private static int header(ByteBuffer b, Path file, int magic, int headerBytes) throws IOException {
        if (b.remaining() < headerBytes) {
            throw new IOException(file + ": " + b.remaining() + " bytes, shorter than an IDX header");
        }
        int found = b.getInt();
        if (found != magic) {
            throw new IOException(file + ": magic number " + found + ", expected " + magic + " (IDX "
                    + (magic == IMAGES_MAGIC ? "images" : "labels") + ")");
        }
        int count = b.getInt();
        if (count < 0) {
            throw new IOException(file + ": negative item count " + count);
        }
        return count;
    }

    /** The plain file if present, else the gzip one. */
    private static Path find(Path dir, String base) throws NoSuchFileException {
        for (String name : new String[] {base, base + ".gz"}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new NoSuchFileException(dir.resolve(base + ".gz").toString(), null,
                "missing Fashion-MNIST file (" + base + " or " + base + ".gz)");
    }

    private static byte[] bytes(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw) {
            return in.readAllBytes();
        }
    }
}
