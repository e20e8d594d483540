package io.lrsweep.data;

import io.lrsweep.science.Samples;
import io.lrsweep.science.TickData;

/** The data sets of one data seed: train, regular test and the 16 single-feature test sets. */
public record SyntheticData(Samples train, Samples test, Samples[] singleFeature) {
    /** Which data: the data seed and the size of each set. Equal keys give equal data. */
    public record Key(int dataSeed, int trainSize, int testSize, int singleFeatureSize) {
    }

    /** Generates the data of {@code key}; deterministic, so a cache may keep it. */
    public static SyntheticData generate(Key key) {
        Samples[] single = new Samples[TickData.FEATURES];
        for (int f = 0; f < TickData.FEATURES; f++) {
            single[f] = TickData.singleFeature(key.dataSeed(), f, key.singleFeatureSize());
        }
        return new SyntheticData(TickData.train(key.dataSeed(), key.trainSize()),
                TickData.test(key.dataSeed(), key.testSize()), single);
    }
}
