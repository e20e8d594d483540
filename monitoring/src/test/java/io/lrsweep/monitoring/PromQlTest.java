package io.lrsweep.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PromQlTest {
    @Test
    void metricNamesAreFoundAndFunctionsLabelsAndKeywordsAreNot() {
        assertThat(PromQl.metricNames("""
                histogram_quantile(0.9, sum by (le, stage) (rate(lrsweep_stage_duration_seconds_bucket{study="s", \
                stage=~"pre.*"}[5m])))
                / on (instance) group_left (worker) lrsweep_worker_info offset 30m
                unless max without (seed) (lrsweep_train_epoch) > bool 1e3
                and label_replace(up{job="x"}, "UUID", "$1", "gpu_uuid", "(.+)")
                """)).containsExactly("lrsweep_stage_duration_seconds_bucket", "lrsweep_train_epoch",
                "lrsweep_worker_info", "up");
    }

    @Test
    void aNameWithColonsAndAnAggregationWrittenAfterItsArgumentAreHandled() {
        assertThat(PromQl.metricNames("sum(job:lrsweep_samples:rate5m) by (job) * 2"))
                .containsExactly("job:lrsweep_samples:rate5m");
    }
}
