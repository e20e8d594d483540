package io.lrsweep.science;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TickDataTest {

    @Test
    void informativePointsLieInTheirClassRegionWithTheMargin() {
        Samples train = TickData.train(7, 512);
        for (int i = 0; i < train.count(); i++) {
            int y = train.y()[i];
            for (int f = 0; f < TickData.FEATURES; f++) {
                double x1 = train.feature(i, 2 * f);
                double x2 = train.feature(i, 2 * f + 1);
                assertThat(TickData.inClassRegion(x1, x2, y)).as("sample %d feature %d", i, f).isTrue();
                assertThat(TickData.inClassRegion(x1, x2, 1 - y)).isFalse();
                assertThat(Math.abs(x1)).isLessThanOrEqualTo(2.0);
                assertThat(Math.abs(x2)).isLessThanOrEqualTo(2.0);
                // Distance (along x2) to both boundaries x2 = |x1| and x2 = |x1| - 2 is at least the margin.
                double a = Math.abs(x1);
                assertThat(Math.min(Math.abs(x2 - a), Math.abs(x2 - (a - 2)))).isGreaterThanOrEqualTo(TickData.MARGIN - 1e-12);
            }
        }
    }

    @Test
    void singleFeatureSetsHaveOnlyFeatureKInformativeAndTheRestExactlyOnABoundary() {
        int k = 5;
        Samples s = TickData.singleFeature(3, k, 1000);
        for (int i = 0; i < s.count(); i++) {
            for (int f = 0; f < TickData.FEATURES; f++) {
                double x1 = s.feature(i, 2 * f);
                double x2 = s.feature(i, 2 * f + 1);
                if (f == k) {
                    assertThat(TickData.inClassRegion(x1, x2, s.y()[i])).isTrue();
                } else {
                    assertThat(TickData.onBoundary(x1, x2)).as("sample %d feature %d", i, f).isTrue();
                }
            }
        }
    }

    @Test
    void labelsAreRoughlyBalancedAndBothBoundariesAreUsed() {
        Samples s = TickData.singleFeature(1, 0, 1000);
        int ones = 0;
        int upper = 0;
        for (int i = 0; i < s.count(); i++) {
            ones += s.y()[i];
            double x1 = s.feature(i, 2);
            double x2 = s.feature(i, 3);
            if (x2 == Math.abs(x1)) {
                upper++;
            }
        }
        assertThat(ones).isBetween(430, 570);
        assertThat(upper).isBetween(430, 570);
    }

    @Test
    void sameSeedGivesTheSameDataAndAnotherSeedDifferentData() {
        Samples a = TickData.train(11, 512);
        Samples b = TickData.train(11, 512);
        Samples c = TickData.train(12, 512);
        assertThat(a.x()).containsExactly(b.x());
        assertThat(a.y()).containsExactly(b.y());
        assertThat(a.x()).isNotEqualTo(c.x());
        assertThat(TickData.test(11, 512).x()).as("test set is not the train set").isNotEqualTo(a.x());
    }
}
