package io.lrsweep.science.images;

/**
 * Labelled images as their files hold them, one unsigned byte (0–255) per pixel, N×C×H×W
 * row-major: a quarter of the size of {@link ImageSet}'s floats, so a whole data set stays small
 * on the heap while subsets are taken from it. {@link #decoded} gives the floats.
 */
public record ImageBytes(String name, byte[] levels, int[] labels, int channels, int height, int width, int classes) {
    /** level/255 for every level, as the readers computed each pixel before. */
    private static final float[] SCALE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            SCALE[i] = i / 255f;
        }
    }

    public ImageBytes {
        ImageSet.check(name, levels.length, labels, channels, height, width, classes);
    }

    /** Number of images. */
    public int count() {
        return labels.length;
    }

    /** The subset {@link ImageSet#balancedSubset} picks, as bytes. */
    public ImageBytes balancedSubset(int n) {
        int[] chosen = ImageSet.balancedChoice(name, labels, classes, n);
        if (chosen == null) {
            return this;
        }
        int size = channels * height * width;
        byte[] subLevels = new byte[n * size];
        int[] subLabels = new int[n];
        for (int j = 0; j < n; j++) {
            System.arraycopy(levels, chosen[j] * size, subLevels, j * size, size);
            subLabels[j] = labels[chosen[j]];
        }
        return new ImageBytes(name + "[" + n + "]", subLevels, subLabels, channels, height, width, classes);
    }

    /** The images as floats in [0,1]: level/255, bit for bit what the readers produced before. */
    public ImageSet decoded() {
        float[] pixels = new float[levels.length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = SCALE[levels[i] & 0xff];
        }
        return new ImageSet(name, pixels, labels, channels, height, width, classes);
    }
}
