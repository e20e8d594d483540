package io.lrsweep.data;

import io.lrsweep.science.images.ImageBytes;
import io.lrsweep.science.images.ImageSplit;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads CIFAR-10 and CIFAR-100 in their official binary format, from the unpacked folder or
 * straight from the official {@code .tar.gz}. A record is the label byte(s) then 3,072 pixel bytes:
 * 1,024 red, 1,024 green, 1,024 blue, each a row-major 32×32 plane, which is already the C×H×W
 * layout of {@link ImageBytes}.
 */
public enum CifarReader {
    /** CIFAR-10: one label byte; five training batches and one test batch. */
    CIFAR10("CIFAR-10", "cifar-10-batches-bin", 1, 0, 10,
            List.of("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"),
            List.of("test_batch.bin")),
    /** CIFAR-100: a coarse and a fine label byte; the fine label (100 classes) is the one used. */
    CIFAR100("CIFAR-100", "cifar-100-binary", 2, 1, 100, List.of("train.bin"), List.of("test.bin"));

    /** Image side in pixels. */
    public static final int SIDE = 32;
    /** Colour channels. */
    public static final int CHANNELS = 3;
    /** Pixel bytes per record. */
    public static final int IMAGE_BYTES = CHANNELS * SIDE * SIDE;

    private final String title;
    private final String folder;
    private final int labelBytes;
    private final int labelIndex;
    private final int classes;
    private final List<String> trainFiles;
    private final List<String> testFiles;

    CifarReader(String title, String folder, int labelBytes, int labelIndex, int classes, List<String> trainFiles,
            List<String> testFiles) {
        this.title = title;
        this.folder = folder;
        this.labelBytes = labelBytes;
        this.labelIndex = labelIndex;
        this.classes = classes;
        this.trainFiles = trainFiles;
        this.testFiles = testFiles;
    }

    /** The folder the official archive unpacks to. */
    public String folder() {
        return folder;
    }

    public int classes() {
        return classes;
    }

    /** Bytes per record: the label byte(s) and the pixels. */
    public int recordSize() {
        return labelBytes + IMAGE_BYTES;
    }

    /** The batch files of the training set, then of the test set, in the order they are read. */
    public List<String> files() {
        List<String> all = new ArrayList<>(trainFiles);
        all.addAll(testFiles);
        return all;
    }

    /** Reads a directory (the data set's folder or its parent) or a {@code .tar.gz} archive. */
    public ImageSplit read(Path location) throws IOException {
        if (Files.isDirectory(location)) {
            return readDirectory(location);
        }
        if (Files.isRegularFile(location)) {
            return readArchive(location);
        }
        throw new NoSuchFileException(location.toString(), null,
                "no " + title + " folder (" + folder + ") or .tar.gz archive there");
    }

    /** Reads the batch files from {@code dir}, or from {@code dir/<folder>} when that exists. */
    public ImageSplit readDirectory(Path dir) throws IOException {
        Path base = Files.isDirectory(dir.resolve(folder)) ? dir.resolve(folder) : dir;
        Map<String, Batch> batches = new LinkedHashMap<>();
        for (String name : files()) {
            Path file = base.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString(), null, "missing " + title + " batch file (expected "
                        + String.join(", ", files()) + " in " + base + ")");
            }
            checkSize(file.toString(), Files.size(file));
            batches.put(name, new Batch(file.toString(), Files.readAllBytes(file)));
        }
        return decode(batches);
    }

    /** Reads the official {@code .tar.gz} archive without unpacking it. */
    public ImageSplit readArchive(Path tarGz) throws IOException {
        try (InputStream in = Files.newInputStream(tarGz)) {
            return readArchive(in, tarGz.toString());
        }
    }

    /** Reads a {@code .tar.gz} stream; {@code archive} names it in errors. */
    public ImageSplit readArchive(InputStream tarGz, String archive) throws IOException {
        Map<String, Batch> found = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(
                new BufferedInputStream(tarGz, 1 << 16), 1 << 16))) {
            for (TarArchiveEntry e = nextEntry(tar, archive); e != null; e = nextEntry(tar, archive)) {
                String wanted = e.isFile() ? batchName(e.getName()) : null;
                if (wanted != null) {
                    String source = archive + "!" + e.getName();
                    checkSize(source, e.getSize());
                    found.put(wanted, new Batch(source, body(tar, source, e.getSize())));
                }
            }
        }
        for (String name : files()) {
            if (!found.containsKey(name)) {
                throw new NoSuchFileException(archive, null, "missing " + title + " batch file " + folder + "/" + name
                        + " in the archive");
            }
        }
        return decode(found);
    }

    private static TarArchiveEntry nextEntry(TarArchiveInputStream tar, String archive) throws IOException {
        try {
            return tar.getNextEntry();
        } catch (IOException e) {
            throw new IOException(archive + ": not a readable .tar.gz (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] body(TarArchiveInputStream tar, String source, long size) throws IOException {
        byte[] body;
        try {
            body = tar.readAllBytes();
        } catch (IOException e) {
            throw new IOException(source + ": cut off (" + e.getMessage() + ")", e);
        }
        if (body.length != size) {
            throw new IOException(source + ": " + body.length + " bytes, the archive's header says " + size
                    + " (the archive is cut off)");
        }
        return body;
    }

    /** The batch file an archive entry holds, or null for any other entry. */
    private String batchName(String entry) {
        for (String name : files()) {
            String path = folder + "/" + name;
            if (entry.equals(path) || entry.endsWith("/" + path)) {
                return name;
            }
        }
        return null;
    }

    private void checkSize(String file, long size) throws IOException {
        if (size == 0 || size % recordSize() != 0) {
            throw new IOException(file + ": " + size + " bytes is not a whole number of " + title + " records of "
                    + recordSize() + " bytes (truncated or not a " + title + " batch file)");
        }
    }

    private ImageSplit decode(Map<String, Batch> batches) throws IOException {
        return new ImageSplit(decode(trainFiles, batches, "train"), decode(testFiles, batches, "test"));
    }

    private ImageBytes decode(List<String> names, Map<String, Batch> batches, String part) throws IOException {
        int records = 0;
        for (String name : names) {
            records += batches.get(name).bytes().length / recordSize();
        }
        byte[] levels = new byte[records * IMAGE_BYTES];
        int[] labels = new int[records];
        int i = 0;
        for (String name : names) {
            Batch batch = batches.get(name);
            byte[] raw = batch.bytes();
            for (int r = 0, at = 0; at < raw.length; r++, at += recordSize(), i++) {
                int label = raw[at + labelIndex] & 0xff;
                if (label >= classes) {
                    throw new IOException(batch.source() + ": record " + r + " has label " + label + ", outside 0.."
                            + (classes - 1) + " of " + title);
                }
                labels[i] = label;
                System.arraycopy(raw, at + labelBytes, levels, i * IMAGE_BYTES, IMAGE_BYTES);
            }
        }
        return new ImageBytes(name().toLowerCase(Locale.ROOT) + "/" + part, levels, labels, CHANNELS, SIDE, SIDE,
                classes);
    }

    /** The bytes of one batch file and where they came from, for errors. */
    private record Batch(String source, byte[] bytes) {
    }
}
