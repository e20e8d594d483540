package io.lrsweep.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrsweep.science.images.ImageBytes;
import io.lrsweep.science.images.ImageSet;
import io.lrsweep.science.images.ImageSplit;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistReaderTest {
    private static ImageSplit debian;

    /** The real data set, read once for the class; skipped without it except on CI. */
    private static synchronized ImageSplit debian() throws IOException {
        if (debian != null) {
            return debian;
        }
        io.lrsweep.DebianFashionMnist.require();
        long start = System.nanoTime();
        debian = FashionMnistReader.read(FashionMnistReader.DEBIAN_DIR);
        System.out.printf("Fashion-MNIST read from the Debian gz files in %.2f s%n", (System.nanoTime() - start) / 1e9);
        return debian;
    }

    @Test
    void theDebianFilesHold60000TrainAnd10000Test32x32GreyImages() throws IOException {
        for (ImageBytes s : new ImageBytes[] {debian().train(), debian().test()}) {
            assertThat(s.channels()).isEqualTo(1);
            assertThat(s.height()).isEqualTo(32);
            assertThat(s.width()).isEqualTo(32);
            assertThat(s.classes()).isEqualTo(10);
            assertThat(Arrays.stream(s.labels()).allMatch(l -> l >= 0 && l <= 9)).isTrue();
        }
        assertThat(debian.train().count()).isEqualTo(60_000);
        assertThat(debian.test().count()).isEqualTo(10_000);
    }

    @Test
    void everyClassHas6000TrainingAnd1000TestImages() throws IOException {
        ImageSplit debian = debian();
        int[] train = new int[10];
        int[] test = new int[10];
        Arrays.stream(debian.train().labels()).forEach(l -> train[l]++);
        Arrays.stream(debian.test().labels()).forEach(l -> test[l]++);
        assertThat(train).containsOnly(6_000);
        assertThat(test).containsOnly(1_000);
    }

    @Test
    void aBalancedSubsetOfTheRealTrainingSetHasTheSameCountInEveryClass() throws IOException {
        ImageSet sub = debian().train().balancedSubset(1_005).decoded();
        assertThat(sub.count()).isEqualTo(1_005);
        int[] perClass = sub.classCounts();
        // 100 of each class, and the 5 left over from the images that follow.
        assertThat(Arrays.stream(perClass).min().orElseThrow()).isEqualTo(100);
        assertThat(Arrays.stream(perClass).sum()).isEqualTo(1_005);
    }

    @Test
    void theTwoPixelBorderIsZeroAndTheInsideIsTheFileShiftedByTwo() throws IOException {
        ImageSet test = debian().test().decoded();
        byte[] raw;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                FashionMnistReader.DEBIAN_DIR.resolve("t10k-images-idx3-ubyte.gz")))) {
            raw = in.readAllBytes();
        }
        float maxInside = 0;
        float[] pixels = test.pixels();
        for (int i = 0; i < test.count(); i++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    float v = pixels[i * 1024 + y * 32 + x];
                    boolean border = y < 2 || y >= 30 || x < 2 || x >= 30;
                    float expected = border ? 0f : (raw[16 + i * 784 + (y - 2) * 28 + (x - 2)] & 0xff) / 255f;
                    if (v != expected) {
                        throw new AssertionError("test image " + i + " (" + y + ", " + x + "): " + v + ", expected "
                                + expected);
                    }
                    maxInside = Math.max(maxInside, v);
                }
            }
        }
        assertThat(maxInside).isEqualTo(1f);
    }

    /** Plain (not gzip) IDX files of {@code count} images; {@code labelCount} labels. */
    private static void writeIdx(Path dir, String prefix, int imageMagic, int count, int labelCount) throws IOException {
        ByteBuffer images = ByteBuffer.allocate(16 + count * 784).putInt(imageMagic).putInt(count).putInt(28).putInt(28);
        for (int i = 0; i < count * 784; i++) {
            images.put((byte) (i % 251));
        }
        ByteBuffer labels = ByteBuffer.allocate(8 + labelCount).putInt(2049).putInt(labelCount);
        for (int i = 0; i < labelCount; i++) {
            labels.put((byte) (i % 10));
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), images.array());
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), labels.array());
    }

    @Test
    void plainIdxFilesAreReadToo(@TempDir Path dir) throws IOException {
        writeIdx(dir, "train", 2051, 4, 4);
        writeIdx(dir, "t10k", 2051, 2, 2);
        ImageSplit split = FashionMnistReader.read(dir);
        assertThat(split.train().count()).isEqualTo(4);
        assertThat(split.test().labels()).containsExactly(0, 1);
        // Image 1, stored row 0 column 0, is byte 784 of the pixels.
        assertThat(split.train().decoded().pixels()[1024 + 2 * 32 + 2]).isEqualTo((784 % 251) / 255f);
    }

    @Test
    void aWrongMagicNumberIsRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        writeIdx(dir, "train", 2049, 4, 4);
        writeIdx(dir, "t10k", 2051, 2, 2);
        assertThatThrownBy(() -> FashionMnistReader.read(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve("train-images-idx3-ubyte").toString())
                .hasMessageContaining("magic number 2049, expected 2051");
    }

    @Test
    void labelsThatDoNotMatchTheImagesAreRefused(@TempDir Path dir) throws IOException {
        writeIdx(dir, "train", 2051, 4, 4);
        writeIdx(dir, "t10k", 2051, 3, 2);
        assertThatThrownBy(() -> FashionMnistReader.read(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("t10k-labels-idx1-ubyte").hasMessageContaining("2 labels")
                .hasMessageContaining("3 images");
    }

    @Test
    void aMissingFileIsRefusedNamingIt(@TempDir Path dir) throws IOException {
        writeIdx(dir, "train", 2051, 4, 4);
        assertThatThrownBy(() -> FashionMnistReader.read(dir)).isInstanceOf(IOException.class)
                .hasMessageContaining("t10k-images-idx3-ubyte");
    }
}
