package io.lrsweep.science.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ImageSetTest {
    /** 1×1 grey images whose pixel is their index, so a subset shows which images it took. */
    private static ImageSet indexed(int classes, int... labels) {
        float[] pixels = new float[labels.length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = i;
        }
        return new ImageSet("indexed", pixels, labels, 1, 1, 1, classes);
    }

    @Test
    void balancedSubsetTakesTheFirstOfEachClassThenTheEarliestOthersInFileOrder() {
        ImageSet set = indexed(3, 0, 0, 0, 0, 1, 1, 2, 0, 1, 2, 2, 2);
        ImageSet sub = set.balancedSubset(7);
        // Two of each class (0, 1 | 4, 5 | 6, 9), then the earliest image left (2).
        assertThat(sub.pixels()).containsExactly(0, 1, 2, 4, 5, 6, 9);
        assertThat(sub.labels()).containsExactly(0, 0, 0, 1, 1, 2, 2);
    }

    @Test
    void balancedSubsetHasExactlyNImagesAtLeastTheQuotaPerClassInFileOrder() {
        SplittableRandom random = new SplittableRandom(11);
        int[] labels = random.ints(1_000, 0, 10).toArray();
        ImageSet set = indexed(10, labels);
        for (int n : new int[] {0, 1, 9, 10, 95, 500, 999}) {
            ImageSet sub = set.balancedSubset(n);
            assertThat(sub.count()).isEqualTo(n);
            int[] perClass = sub.classCounts();
            int[] available = set.classCounts();
            for (int c = 0; c < 10; c++) {
                assertThat(perClass[c]).as("class %d of %d", c, n).isGreaterThanOrEqualTo(Math.min(n / 10, available[c]));
            }
            assertThat(Arrays.stream(perClass).sum()).isEqualTo(n);
            for (int i = 1; i < n; i++) {
                assertThat(sub.pixels()[i]).isGreaterThan(sub.pixels()[i - 1]);
            }
            for (int i = 0; i < n; i++) {
                assertThat(sub.labels()[i]).isEqualTo(labels[(int) sub.pixels()[i]]);
            }
            assertThat(set.balancedSubset(n).pixels()).containsExactly(sub.pixels());
        }
    }

    @Test
    void balancedSubsetOfTheWholeSetOrMoreIsTheSetItself() {
        ImageSet set = indexed(2, 0, 1, 1);
        assertThat(set.balancedSubset(3)).isSameAs(set);
        assertThat(set.balancedSubset(10)).isSameAs(set);
    }

    @Test
    void balancedSubsetKeepsWholeImages() {
        // 2 images of 2×2×2: the subset must copy all 8 floats of the chosen image.
        float[] pixels = new float[16];
        for (int i = 0; i < 16; i++) {
            pixels[i] = i;
        }
        ImageSet set = new ImageSet("x", pixels, new int[] {1, 0}, 2, 2, 2, 2);
        ImageSet sub = set.balancedSubset(1);
        assertThat(sub.pixels()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(sub.imageSize()).isEqualTo(8);
    }

    @Test
    void normalizationOfAConstantImageIsEachChannelsStandardScore() {
        int plane = 4 * 4;
        float[] pixels = new float[2 * 3 * plane];
        Arrays.fill(pixels, 0.5f);
        ImageSet set = new ImageSet("grey", pixels, new int[] {0, 1}, 3, 4, 4, 10);
        float[] out = Normalization.CIFAR.apply(set);
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < 3; c++) {
                float expected = (0.5f - Normalization.CIFAR.mean()[c]) / Normalization.CIFAR.std()[c];
                for (int p = 0; p < plane; p++) {
                    assertThat(out[(i * 3 + c) * plane + p]).isCloseTo(expected, within(1e-6f));
                }
            }
        }
        assertThat(pixels).containsOnly(0.5f);
        assertThat(set.withPixels("grey-normalised", out).labels()).isSameAs(set.labels());
    }

    @Test
    void normalizationRefusesASetWithAnotherChannelCount() {
        ImageSet grey = new ImageSet("grey", new float[4], new int[] {0}, 1, 2, 2, 10);
        assertThat(Normalization.FASHION_MNIST.apply(grey)).hasSize(4);
        assertThatThrownBy(() -> Normalization.CIFAR.apply(grey)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 channels");
    }

    @Test
    void aSetWithTheWrongPixelCountOrALabelOutOfRangeIsRefused() {
        assertThatThrownBy(() -> new ImageSet("short", new float[7], new int[] {0, 1}, 1, 2, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7 pixels");
        assertThatThrownBy(() -> new ImageSet("label", new float[8], new int[] {0, 2}, 1, 2, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label 2");
        assertThatThrownBy(() -> new ImageSet("other", new float[4], new int[] {0}, 1, 2, 2, 2).withPixels("x", new float[3]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
