package io.lrsweep.science.images;

/** Per-channel normalisation (x − mean_c) / std_c. */
public record Normalization(float[] mean, float[] std) {
    /** The CIFAR-10/100 statistics the paper uses. */
    public static final Normalization CIFAR = new Normalization(
            new float[] {0.4914f, 0.4822f, 0.4465f}, new float[] {0.2023f, 0.1994f, 0.2010f});
    /** Fashion-MNIST's training-set statistics. */
    public static final Normalization FASHION_MNIST = new Normalization(new float[] {0.2860f}, new float[] {0.3530f});

    public Normalization {
        if (mean.length != std.length || mean.length == 0) {
            throw new IllegalArgumentException(mean.length + " means for " + std.length + " standard deviations");
        }
        for (float s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("standard deviation " + s + " is not positive");
            }
        }
    }

    /** Normalised copy of the set's pixels; the set itself is not changed. */
    public float[] apply(ImageSet s) {
        if (s.channels() != mean.length) {
            throw new IllegalArgumentException(s.name() + " has " + s.channels() + " channels, the normalisation "
                    + mean.length);
        }
        float[] in = s.pixels();
        float[] out = new float[in.length];
        int plane = s.height() * s.width();
        for (int i = 0, start = 0; i < s.count(); i++) {
            for (int c = 0; c < mean.length; c++, start += plane) {
                float m = mean[c];
                float sd = std[c];
                for (int p = start; p < start + plane; p++) {
                    out[p] = (in[p] - m) / sd;
                }
            }
        }
        return out;
    }
}
