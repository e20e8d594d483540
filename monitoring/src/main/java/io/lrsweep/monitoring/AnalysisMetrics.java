package io.lrsweep.monitoring;

import io.micrometer.core.instrument.Tags;

/** Results of a branch's analysis as they arrive: barriers, angles and final accuracies per PLR and seed. */
public final class AnalysisMetrics {
    private final SettableGauges gauges;
    private final RecentStudies studies;

    AnalysisMetrics(SettableGauges gauges, RecentStudies studies) {
        this.gauges = gauges;
        this.studies = studies;
    }

    /** The analysed results of one branch (PLR, seed) of a study. */
    public Branch branch(String studyId, double plr, int seed) {
        String study = LabelValues.study(studyId);
        studies.touch(study);
        return new Branch(Tags.of("study", study, "plr", LabelValues.rate(plr), "seed", Integer.toString(seed)));
    }

    /** Setter of one branch's result series. */
    public final class Branch {
        private final Tags tags;

        private Branch(Tags tags) {
            this.tags = tags;
        }

        /** Error barrier between the pair's points on {@code split} ("train" or "test"), as a fraction. */
        public Branch barrier(String pair, String split, double value) {
            gauges.set(LrsweepMetric.ANALYSIS_BARRIER, tags.and("pair", pair, "split", split), value);
            return this;
        }

        public Branch angle(String pair, double radians) {
            gauges.set(LrsweepMetric.ANALYSIS_ANGLE, tags.and("pair", pair), radians);
            return this;
        }

        /** Test accuracy of a point: "pretrain", "finetune" (with {@code flr}) or "average" (over {@code k}). */
        public Branch testAccuracy(String point, Double flr, Integer k, double value) {
            gauges.set(LrsweepMetric.ANALYSIS_TEST_ACCURACY, tags.and("point", point, "flr", LabelValues.rate(flr),
                    "k", LabelValues.integer(k)), value);
            return this;
        }
    }
}
