package io.lrsweep.science.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrsweep.science.images.FourierBands.Band;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FourierBandsTest {
    private static final int SIZE = 32;

    private static float[] randomImages(int count, int channels, int size, long seed) {
        Random random = new Random(seed);
        float[] pixels = new float[count * channels * size * size];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        return pixels;
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static double maxAbs(float[] a) {
        return maxAbsDiff(a, new float[a.length]);
    }

    /** A one-channel 32×32 image cos(2π(kx·x + ky·y)/32): one frequency pair at L1 distance |kx| + |ky|. */
    private static float[] cosine(int kx, int ky) {
        float[] pixels = new float[SIZE * SIZE];
        for (int x = 0; x < SIZE; x++) {
            for (int y = 0; y < SIZE; y++) {
                pixels[x * SIZE + y] = (float) Math.cos(2 * Math.PI * (kx * x + ky * y) / SIZE);
            }
        }
        return pixels;
    }

    private static int bandIndex(String name) {
        for (int b = 0; b < FourierBands.PAPER_BANDS.size(); b++) {
            if (FourierBands.PAPER_BANDS.get(b).name().equals(name)) {
                return b;
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void paperBandsAreBackgroundLowMidHigh() {
        assertThat(FourierBands.PAPER_BANDS).containsExactly(
                new Band("background", 0, 1), new Band("low", 1, 9), new Band("mid", 9, 25), new Band("high", 25, 33));
    }

    @Test
    void paperBandsOfRandomImagesSumBackToTheImages() {
        float[] pixels = randomImages(20, 3, SIZE, 1);
        float[][] bands = FourierBands.split(pixels, 20, 3, SIZE, FourierBands.PAPER_BANDS);
        assertThat(bands.length).isEqualTo(4);
        float[] sum = new float[pixels.length];
        for (float[] band : bands) {
            assertThat(band).hasSameSizeAs(pixels);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += band[i];
            }
        }
        assertThat(maxAbsDiff(sum, pixels)).isLessThan(1e-5);
    }

    @Test
    void constantImageIsAllBackground() {
        float[] pixels = new float[2 * 3 * SIZE * SIZE];
        Arrays.fill(pixels, 0.37f);
        float[][] bands = FourierBands.split(pixels, 2, 3, SIZE, FourierBands.PAPER_BANDS);
        assertThat(maxAbsDiff(bands[bandIndex("background")], pixels)).isLessThan(1e-6);
        for (String other : List.of("low", "mid", "high")) {
            assertThat(maxAbs(bands[bandIndex(other)])).as(other).isLessThan(1e-6);
        }
    }

    @Test
    void singleFrequencyLandsInTheBandOfItsL1Distance() {
        // (3,2) is at distance 5, (10,-7) at 17, (16,12) at 28 — the Nyquist row −16 counts as distance 16.
        record Case(int kx, int ky, String band) {
        }
        for (Case c : List.of(new Case(3, 2, "low"), new Case(10, -7, "mid"), new Case(16, 12, "high"))) {
            float[] image = cosine(c.kx(), c.ky());
            float[][] bands = FourierBands.split(image, 1, 1, SIZE, FourierBands.PAPER_BANDS);
            for (int b = 0; b < bands.length; b++) {
                String name = FourierBands.PAPER_BANDS.get(b).name();
                if (name.equals(c.band())) {
                    assertThat(maxAbsDiff(bands[b], image)).as(c + " in " + name).isLessThan(1e-5);
                } else {
                    assertThat(maxAbs(bands[b])).as(c + " outside " + name).isLessThan(1e-5);
                }
            }
        }
    }

    @Test
    void matchesANaiveTwoDimensionalDftOnAnEightByEightImage() {
        int n = 8;
        List<Band> bands = List.of(new Band("b0", 0, 1), new Band("b1", 1, 3), new Band("b2", 3, 6), new Band("b3", 6, 9));
        float[] image = randomImages(1, 1, n, 7);
        float[][] fast = FourierBands.split(image, 1, 1, n, bands);
        for (int b = 0; b < bands.size(); b++) {
            float[] naive = naiveBandOnly(image, n, bands.get(b));
            assertThat(maxAbsDiff(fast[b], naive)).as(bands.get(b).name()).isLessThan(1e-6);
        }
    }

    /** Textbook O(n⁴) route: full complex DFT, centre-shift mask, full inverse, real part. */
    private static float[] naiveBandOnly(float[] f, int n, Band band) {
        double[] re = new double[n * n];
        double[] im = new double[n * n];
        for (int u = 0; u < n; u++) {
            for (int v = 0; v < n; v++) {
                for (int x = 0; x < n; x++) {
                    for (int y = 0; y < n; y++) {
                        double angle = -2 * Math.PI * (u * x + v * y) / n;
                        re[u * n + v] += f[x * n + y] * Math.cos(angle);
                        im[u * n + v] += f[x * n + y] * Math.sin(angle);
                    }
                }
                int cu = (u + n / 2) % n;
                int cv = (v + n / 2) % n;
                int distance = Math.abs(cu - n / 2) + Math.abs(cv - n / 2);
                if (distance < band.from() || distance >= band.to()) {
                    re[u * n + v] = 0;
                    im[u * n + v] = 0;
                }
            }
        }
        float[] out = new float[n * n];
        for (int x = 0; x < n; x++) {
            for (int y = 0; y < n; y++) {
                double sum = 0;
                for (int u = 0; u < n; u++) {
                    for (int v = 0; v < n; v++) {
                        double angle = 2 * Math.PI * (u * x + v * y) / n;
                        sum += re[u * n + v] * Math.cos(angle) - im[u * n + v] * Math.sin(angle);
                    }
                }
                out[x * n + y] = (float) (sum / (n * n));
            }
        }
        return out;
    }

    @Test
    void bandOnlyEqualsTheMatchingSplit() {
        float[] pixels = randomImages(3, 2, SIZE, 3);
        float[][] all = FourierBands.split(pixels, 3, 2, SIZE, FourierBands.PAPER_BANDS);
        assertThat(FourierBands.bandOnly(pixels, 3, 2, SIZE, FourierBands.PAPER_BANDS.get(2))).containsExactly(all[2]);
    }

    @Test
    void rejectsAMismatchedLayoutAndEmptyBands() {
        assertThatThrownBy(() -> FourierBands.split(new float[10], 1, 1, SIZE, FourierBands.PAPER_BANDS))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Band("empty", 3, 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void splitsTenThousandCifarSizedImagesDeterministically() {
        int count = 10_000;
        float[] pixels = randomImages(count, 3, SIZE, 11);
        // Warm the JIT on a few images so the timing shows the steady state.
        FourierBands.split(Arrays.copyOf(pixels, 200 * 3 * SIZE * SIZE), 200, 3, SIZE, FourierBands.PAPER_BANDS);
        long start = System.nanoTime();
        float[][] bands = FourierBands.split(pixels, count, 3, SIZE, FourierBands.PAPER_BANDS);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("FourierBands.split 10000x3x32x32, 4 bands: %.2f s on %d cores%n",
                seconds, Runtime.getRuntime().availableProcessors());
        // Images are independent, so a one-image call gives the bits the parallel run gave.
        float[] last = Arrays.copyOfRange(pixels, (count - 1) * 3 * SIZE * SIZE, pixels.length);
        float[][] alone = FourierBands.split(last, 1, 3, SIZE, FourierBands.PAPER_BANDS);
        for (int b = 0; b < bands.length; b++) {
            assertThat(Arrays.copyOfRange(bands[b], (count - 1) * 3 * SIZE * SIZE, pixels.length))
                    .containsExactly(alone[b]);
        }
    }
}
