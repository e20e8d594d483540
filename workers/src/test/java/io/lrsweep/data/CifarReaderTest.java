package io.lrsweep.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrsweep.science.images.ImageSet;
import io.lrsweep.science.images.ImageSplit;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarReaderTest {
    private static final int RECORDS = 3;

    @TempDir
    Path dir;

    /** Every label and pixel of a part (train: batches 0..n-2, test: the last) as the generator made it. */
    private static void assertHoldsTheGeneratedBatches(CifarReader reader, ImageSet set, int firstBatch, int batches) {
        assertThat(set.count()).isEqualTo(batches * RECORDS);
        assertThat(set.channels()).isEqualTo(3);
        assertThat(set.height()).isEqualTo(32);
        assertThat(set.width()).isEqualTo(32);
        assertThat(set.classes()).isEqualTo(reader.classes());
        for (int b = 0; b < batches; b++) {
            for (int r = 0; r < RECORDS; r++) {
                int i = b * RECORDS + r;
                assertThat(set.labels()[i]).as("label of image %d", i).isEqualTo(CifarFiles.label(reader, firstBatch + b, r));
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < 32; y++) {
                        for (int x = 0; x < 32; x++) {
                            float expected = CifarFiles.pixel(firstBatch + b, r, c, y, x) / 255f;
                            float actual = set.pixels()[((i * 3 + c) * 32 + y) * 32 + x];
                            if (actual != expected) {
                                throw new AssertionError("image " + i + " (c, y, x) = (" + c + ", " + y + ", " + x
                                        + "): " + actual + ", expected " + expected);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void assertHoldsTheGeneratedData(CifarReader reader, ImageSplit split) {
        int trainBatches = reader.files().size() - 1;
        assertHoldsTheGeneratedBatches(reader, split.train().decoded(), 0, trainBatches);
        assertHoldsTheGeneratedBatches(reader, split.test().decoded(), trainBatches, 1);
    }

    @Test
    void cifar10FromItsFolderHoldsEveryBatchInOrderWithPixelsOver255() throws Exception {
        Path folder = CifarFiles.writeFolder(CifarReader.CIFAR10, dir, RECORDS);
        assertHoldsTheGeneratedData(CifarReader.CIFAR10, CifarReader.CIFAR10.read(folder));
    }

    @Test
    void cifar10FromTheParentOfItsFolderIsTheSame() throws Exception {
        CifarFiles.writeFolder(CifarReader.CIFAR10, dir, RECORDS);
        assertHoldsTheGeneratedData(CifarReader.CIFAR10, CifarReader.CIFAR10.read(dir));
    }

    @Test
    void cifar10FromTheTarGzIsReadWithoutUnpackingIt() throws Exception {
        Path archive = Files.write(dir.resolve("cifar-10-binary.tar.gz"), CifarFiles.tarGz(CifarReader.CIFAR10, RECORDS));
        assertHoldsTheGeneratedData(CifarReader.CIFAR10, CifarReader.CIFAR10.read(archive));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(archive);
        }
    }

    @Test
    void cifar100UsesTheFineLabelFromTheFolderAndTheArchive() throws Exception {
        CifarFiles.writeFolder(CifarReader.CIFAR100, dir, RECORDS);
        Path archive = Files.write(dir.resolve("cifar-100-binary.tar.gz"), CifarFiles.tarGz(CifarReader.CIFAR100, RECORDS));
        ImageSplit fromFolder = CifarReader.CIFAR100.read(dir);
        assertHoldsTheGeneratedData(CifarReader.CIFAR100, fromFolder);
        assertHoldsTheGeneratedData(CifarReader.CIFAR100, CifarReader.CIFAR100.read(archive));
        // The generator's coarse labels differ from the fine ones, so reading the wrong byte shows.
        assertThat(fromFolder.train().labels()[1]).isNotEqualTo(CifarFiles.coarse(0, 1));
        assertThat(fromFolder.train().classes()).isEqualTo(100);
    }

    @Test
    void aPixelAtChannelRowColumnLandsAtItsChannelMajorIndex() throws Exception {
        Path folder = CifarFiles.writeFolder(CifarReader.CIFAR10, dir, RECORDS);
        int record = 1;
        int c = 2;
        int y = 5;
        int x = 7;
        byte[] batch = new byte[RECORDS * CifarReader.CIFAR10.recordSize()];
        batch[record * CifarReader.CIFAR10.recordSize() + 1 + c * 1024 + y * 32 + x] = (byte) 200;
        Files.write(folder.resolve("data_batch_2.bin"), batch);

        ImageSet train = CifarReader.CIFAR10.read(folder).train().decoded();
        int image = RECORDS + record;
        int index = image * 3072 + c * 1024 + y * 32 + x;
        assertThat(train.pixels()[index]).isEqualTo(200 / 255f);
        // Every other pixel of images 3..5 (the all-zero batch) stays zero.
        long nonZero = IntStream.range(RECORDS * 3072, 2 * RECORDS * 3072).filter(i -> train.pixels()[i] != 0).count();
        assertThat(nonZero).isEqualTo(1);
    }

    @Test
    void aTruncatedBatchFileIsRefusedNamingIt() throws Exception {
        Path folder = CifarFiles.writeFolder(CifarReader.CIFAR10, dir, RECORDS);
        Path third = folder.resolve("data_batch_3.bin");
        byte[] bytes = Files.readAllBytes(third);
        Files.write(third, Arrays.copyOf(bytes, bytes.length - 100));

        assertThatThrownBy(() -> CifarReader.CIFAR10.read(folder)).isInstanceOf(IOException.class)
                .hasMessageContaining(third.toString()).hasMessageContaining(String.valueOf(bytes.length - 100))
                .hasMessageContaining("3073");
    }

    @Test
    void aTruncatedBatchInsideTheArchiveIsRefusedNamingIt() throws Exception {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        CifarFiles.batches(CifarReader.CIFAR100, RECORDS).forEach((name, bytes) -> entries.put("cifar-100-binary/"
                + name, name.equals("test.bin") ? Arrays.copyOf(bytes, bytes.length - 1) : bytes));
        Path archive = Files.write(dir.resolve("c.tar.gz"), CifarFiles.tarGz(entries));

        assertThatThrownBy(() -> CifarReader.CIFAR100.read(archive)).isInstanceOf(IOException.class)
                .hasMessageContaining(archive + "!cifar-100-binary/test.bin").hasMessageContaining("3074");
    }

    @Test
    void aMissingBatchIsRefusedNamingItInTheFolderAndInTheArchive() throws Exception {
        Path folder = CifarFiles.writeFolder(CifarReader.CIFAR10, dir, RECORDS);
        Files.delete(folder.resolve("data_batch_4.bin"));
        assertThatThrownBy(() -> CifarReader.CIFAR10.read(dir)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(folder.resolve("data_batch_4.bin").toString());

        Map<String, byte[]> entries = new LinkedHashMap<>();
        CifarFiles.batches(CifarReader.CIFAR10, RECORDS).forEach((name, bytes) -> {
            if (!name.equals("test_batch.bin")) {
                entries.put("cifar-10-batches-bin/" + name, bytes);
            }
        });
        Path archive = Files.write(dir.resolve("c.tar.gz"), CifarFiles.tarGz(entries));
        assertThatThrownBy(() -> CifarReader.CIFAR10.read(archive)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(archive.toString()).hasMessageContaining("cifar-10-batches-bin/test_batch.bin");
    }

    @Test
    void aLabelOutOfRangeIsRefusedNamingTheFileAndRecord() throws Exception {
        Path folder = CifarFiles.writeFolder(CifarReader.CIFAR10, dir, RECORDS);
        Path test = folder.resolve("test_batch.bin");
        byte[] bytes = Files.readAllBytes(test);
        bytes[2 * CifarReader.CIFAR10.recordSize()] = 10;
        Files.write(test, bytes);

        assertThatThrownBy(() -> CifarReader.CIFAR10.read(folder)).isInstanceOf(IOException.class)
                .hasMessageContaining(test.toString()).hasMessageContaining("record 2").hasMessageContaining("label 10");
    }

    @Test
    void aCutOffOrDamagedArchiveIsRefused() throws Exception {
        byte[] good = CifarFiles.tarGz(CifarReader.CIFAR10, RECORDS);
        Path cut = Files.write(dir.resolve("cut.tar.gz"), Arrays.copyOf(good, good.length / 2));
        assertThatThrownBy(() -> CifarReader.CIFAR10.read(cut)).isInstanceOf(IOException.class);

        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(text)) {
            gz.write("not a tar archive".getBytes(StandardCharsets.US_ASCII));
        }
        Path notTar = Files.write(dir.resolve("not.tar.gz"), text.toByteArray());
        assertThatThrownBy(() -> CifarReader.CIFAR10.read(notTar)).isInstanceOf(IOException.class)
                .hasMessageContaining(notTar.toString());
    }

    @Test
    void aMissingLocationIsRefusedNamingIt() {
        Path nowhere = dir.resolve("nowhere");
        assertThatThrownBy(() -> CifarReader.CIFAR10.read(nowhere)).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining(nowhere.toString()).hasMessageContaining("cifar-10-batches-bin");
    }
}
