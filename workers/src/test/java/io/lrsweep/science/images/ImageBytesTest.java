package io.lrsweep.science.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImageBytesTest {
    /** 300 random 2×2×2 images of 10 classes, every level 0–255 present. */
    private static ImageBytes random() {
        SplittableRandom r = new SplittableRandom(5);
        byte[] levels = new byte[300 * 8];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = (byte) (i < 256 ? i : r.nextInt(256));
        }
        return new ImageBytes("random", levels, r.ints(300, 0, 10).toArray(), 2, 2, 2, 10);
    }

    @Test
    void decodedLevelsAreTheReadersFloatsBitForBit() {
        ImageBytes bytes = random();
        float[] pixels = bytes.decoded().pixels();
        for (int i = 0; i < pixels.length; i++) {
            float expected = (bytes.levels()[i] & 0xff) / 255f;
            assertThat(Float.floatToRawIntBits(pixels[i])).as("pixel %d", i).isEqualTo(Float.floatToRawIntBits(expected));
        }
    }

    @Test
    void aSubsetOfTheBytesDecodesToTheSameSubsetOfTheFloats() {
        ImageBytes bytes = random();
        for (int n : new int[] {0, 7, 100, 299, 300, 400}) {
            ImageSet viaBytes = bytes.balancedSubset(n).decoded();
            ImageSet viaFloats = bytes.decoded().balancedSubset(n);
            assertThat(viaBytes.pixels()).containsExactly(viaFloats.pixels());
            assertThat(viaBytes.labels()).containsExactly(viaFloats.labels());
            assertThat(viaBytes.name()).isEqualTo(viaFloats.name());
        }
        assertThat(bytes.balancedSubset(300)).isSameAs(bytes);
    }

    @Test
    void levelsMustFitTheShape() {
        assertThatThrownBy(() -> new ImageBytes("short", new byte[7], new int[] {0, 1}, 1, 2, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 pixels");
    }
}
