package io.lrsweep.stages;

import io.lrsweep.science.Samples;
import io.lrsweep.science.TickData;
import io.lrsweep.study.StudyConfig;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The data sets of one data seed: train, regular test and the 16 single-feature test sets. */
public record SyntheticData(Samples train, Samples test, Samples[] singleFeature) {
    private record Key(int dataSeed, int train, int test, int single) {
    }

    private static final Map<Key, SyntheticData> CACHE = new ConcurrentHashMap<>();

    /** Generated once per process and data seed; generation is deterministic, so caching is safe. */
    public static SyntheticData of(StudyConfig c, int dataSeed) {
        return CACHE.computeIfAbsent(new Key(dataSeed, c.trainSize(), c.testSize(), c.singleFeatureSize()), k -> {
            Samples[] single = new Samples[TickData.FEATURES];
            for (int f = 0; f < TickData.FEATURES; f++) {
                single[f] = TickData.singleFeature(dataSeed, f, k.single());
            }
            return new SyntheticData(TickData.train(dataSeed, k.train()), TickData.test(dataSeed, k.test()), single);
        });
    }
}
