package io.lrsweep.science.images;

import java.util.Arrays;

/**
 * Labelled images, N×C×H×W row-major floats in [0,1] (before normalisation).
 *
 * <p>The arrays are shared, not copied: a CIFAR training set is 600 MB of floats, and the readers
 * and trainers only read them.
 */
public record ImageSet(String name, float[] pixels, int[] labels, int channels, int height, int width, int classes) {
    public ImageSet {
        check(name, pixels.length, labels, channels, height, width, classes);
    }

    /** Checks the shape of a labelled image set of {@code values} pixel values (floats or bytes). */
    static void check(String name, long values, int[] labels, int channels, int height, int width, int classes) {
        if (channels <= 0 || height <= 0 || width <= 0 || classes <= 0) {
            throw new IllegalArgumentException(name + ": channels, height, width and classes must be positive, got "
                    + channels + ", " + height + ", " + width + ", " + classes);
        }
        long expected = (long) labels.length * channels * height * width;
        if (values != expected) {
            throw new IllegalArgumentException(name + ": " + values + " pixels for " + labels.length
                    + " images of " + channels + "×" + height + "×" + width + " (expected " + expected + ")");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException(name + ": image " + i + " has label " + labels[i]
                        + ", outside 0.." + (classes - 1));
            }
        }
    }

    /** Number of images. */
    public int count() {
        return labels.length;
    }

    /** Floats per image, C·H·W. */
    public int imageSize() {
        return channels * height * width;
    }

    /**
     * Exactly {@code n} images in file order: the first ⌊n/classes⌋ of each class, then the earliest
     * images not yet taken until there are n. Deterministic, so every worker picks the same subset.
     */
    public ImageSet balancedSubset(int n) {
        int[] chosen = balancedChoice(name, labels, classes, n);
        if (chosen == null) {
            return this;
        }
        int size = imageSize();
        float[] subPixels = new float[n * size];
        int[] subLabels = new int[n];
        for (int j = 0; j < n; j++) {
            System.arraycopy(pixels, chosen[j] * size, subPixels, j * size, size);
            subLabels[j] = labels[chosen[j]];
        }
        return new ImageSet(name + "[" + n + "]", subPixels, subLabels, channels, height, width, classes);
    }

    /** The indices, ascending, of {@link #balancedSubset}'s images; null when it is the whole set. */
    static int[] balancedChoice(String name, int[] labels, int classes, int n) {
        if (n < 0) {
            throw new IllegalArgumentException(name + ": subset size " + n + " is negative");
        }
        int count = labels.length;
        if (n >= count) {
            return null;
        }
        boolean[] taken = new boolean[count];
        int[] perClass = new int[classes];
        int quota = n / classes;
        int chosen = 0;
        for (int i = 0; i < count && chosen < n; i++) {
            if (perClass[labels[i]] < quota) {
                perClass[labels[i]]++;
                taken[i] = true;
                chosen++;
            }
        }
        // The remainder (and the quota of any class that has too few images) from the earliest images left.
        for (int i = 0; i < count && chosen < n; i++) {
            if (!taken[i]) {
                taken[i] = true;
                chosen++;
            }
        }
        int[] out = new int[n];
        for (int i = 0, j = 0; i < count; i++) {
            if (taken[i]) {
                out[j++] = i;
            }
        }
        return out;
    }

    /** The same images and labels with other pixel values (normalised ones, for instance). */
    public ImageSet withPixels(String name, float[] pixels) {
        return new ImageSet(name, pixels, labels, channels, height, width, classes);
    }

    /** Images per class. */
    public int[] classCounts() {
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    @Override
    public String toString() {
        return "ImageSet[" + name + ", " + count() + " × " + channels + "×" + height + "×" + width + ", "
                + classes + " classes, per class " + Arrays.toString(classCounts()) + "]";
    }
}
