package io.lrsweep.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Small CIFAR batch files in the official binary format, written by the tests. Every pixel and
 * label follows from its position, so a reader's output can be checked value by value.
 */
public final class CifarFiles {
    private CifarFiles() {
    }

    /** The pixel byte at channel c, row y, column x of a record of the batch with index {@code batch}. */
    public static int pixel(int batch, int record, int c, int y, int x) {
        return (batch * 53 + record * 29 + c * 101 + y * 7 + x * 3) & 0xff;
    }

    /** The label (the fine one for CIFAR-100) of a record. */
    public static int label(CifarReader reader, int batch, int record) {
        return (batch * 37 + record * 11) % reader.classes();
    }

    /** CIFAR-100's coarse label, chosen to differ from the fine one. */
    static int coarse(int batch, int record) {
        return (label(CifarReader.CIFAR100, batch, record) + 7) % 20;
    }

    /** One batch file of {@code records} records; {@code batch} is its index in {@link CifarReader#files()}. */
    public static byte[] batch(CifarReader reader, int batch, int records) {
        int labelBytes = reader.recordSize() - CifarReader.IMAGE_BYTES;
        byte[] out = new byte[records * reader.recordSize()];
        for (int r = 0; r < records; r++) {
            int at = r * reader.recordSize();
            if (labelBytes == 2) {
                out[at] = (byte) coarse(batch, r);
            }
            out[at + labelBytes - 1] = (byte) label(reader, batch, r);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        out[at + labelBytes + c * 1024 + y * 32 + x] = (byte) pixel(batch, r, c, y, x);
                    }
                }
            }
        }
        return out;
    }

    /** Every batch file of the data set, by file name, in {@link CifarReader#files()} order. */
    public static Map<String, byte[]> batches(CifarReader reader, int records) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        List<String> names = reader.files();
        for (int b = 0; b < names.size(); b++) {
            files.put(names.get(b), batch(reader, b, records));
        }
        return files;
    }

    /** Writes the data set's folder under {@code parent} and returns it. */
    public static Path writeFolder(CifarReader reader, Path parent, int records) throws IOException {
        Path folder = Files.createDirectories(parent.resolve(reader.folder()));
        for (Map.Entry<String, byte[]> e : batches(reader, records).entrySet()) {
            Files.write(folder.resolve(e.getKey()), e.getValue());
        }
        return folder;
    }

    /** The official archive's layout: the folder, a metadata file the reader must skip, the batches. */
    public static byte[] tarGz(CifarReader reader, int records) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(reader.folder() + "/", null);
        entries.put(reader.folder() + "/batches.meta.txt", "airplane\nautomobile\n".getBytes(StandardCharsets.US_ASCII));
        batches(reader, records).forEach((name, bytes) -> entries.put(reader.folder() + "/" + name, bytes));
        return tarGz(entries);
    }

    /** A gzip-compressed ustar archive; a null body makes a directory entry. */
    public static byte[] tarGz(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                byte[] body = e.getValue() == null ? new byte[0] : e.getValue();
                gz.write(header(e.getKey(), body.length, e.getValue() == null ? '5' : '0'));
                gz.write(body);
                gz.write(new byte[(512 - body.length % 512) % 512]);
            }
            gz.write(new byte[1024]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] header(String name, long size, char type) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, "0000644");
        put(h, 108, "0001750");
        put(h, 116, "0001750");
        put(h, 124, String.format("%011o", size));
        put(h, 136, String.format("%011o", 1_300_000_000L));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        int sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        return h;
    }

    private static void put(byte[] header, int offset, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, b.length);
    }
}
