package io.lrsweep.monitoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {
    private final WorkerMetrics metrics = new WorkerMetrics(new WorkerIdentity("w1", "GPU-0123abcd-0000", "gpu"), 2);

    @AfterEach
    void close() {
        metrics.close();
    }

    /** Touches every metric of the catalogue once, as a worker running a study would. */
    static void exerciseEveryMetric(WorkerMetrics m) {
        m.computeSlots(2, () -> 1);
        m.conductorClient().register(List.of("lrsweep_pretrain"));
        StageMetrics.Run run = m.stages().started("s1", "pretrain", true);
        try (TrainingMetrics.RunMeters r = m.training().run("s1", "pretrain", 0.01, null, 0)) {
            r.step(16, 30_000);
            r.epoch(1, 0.5, 0.75);
            r.tested(0.7);
        }
        run.ended(StageMetrics.Outcome.COMPLETED);
        m.training().checkpointStored("pretrain", 1000, 2_000_000);
        m.analysis().branch("s1", 0.01, 0).barrier("swa-ft_low", "test", 0.02).angle("swa-ft_low", 0.3)
                .testAccuracy("finetune", 1e-4, null, 0.8);
        m.stages().started("s1", "analyze", false);
    }

    @Test
    void everyCatalogueMetricIsExportedUnderItsPrometheusNameWithExactlyItsLabels() {
        exerciseEveryMetric(metrics);
        // An in-flight training run shows its curve gauges too.
        TrainingMetrics.RunMeters inFlight = metrics.training().run("s1", "finetune", 0.01, 1e-4, 0);
        inFlight.epoch(3, 0.2, 0.9);
        Exposition scrape = Exposition.parse(metrics.scrape());
        for (LrsweepMetric metric : LrsweepMetric.values()) {
            List<String> names = switch (metric.type()) {
                case COUNTER, GAUGE -> List.of(metric.prometheusName());
                case TIMER -> List.of(metric.prometheusName() + "_count", metric.prometheusName() + "_sum",
                        metric.prometheusName() + "_max");
                case LONG_TASK_TIMER -> List.of(metric.prometheusName() + "_count", metric.prometheusName() + "_sum",
                        metric.prometheusName() + "_max");
            };
            for (String name : names) {
                List<Exposition.Sample> samples = scrape.find(name, Map.of());
                assertThat(samples).as(metric + " as " + name).isNotEmpty();
                samples.forEach(s -> assertThat(s.labels().keySet()).as(name).containsExactlyInAnyOrderElementsOf(
                        metric.labels()));
            }
        }
        assertThat(scrape.find("lrsweep_stage_duration_seconds_bucket", Map.of("le", "+Inf"))).isNotEmpty();
    }

    @Test
    void theWorkerExportsJvmAndProcessMetrics() {
        Set<String> names = Exposition.parse(metrics.scrape()).names();
        assertThat(names).contains("jvm_memory_used_bytes", "jvm_threads_live_threads", "process_cpu_usage",
                "process_uptime_seconds", "jvm_classes_loaded_classes");
    }

    @Test
    void workerInfoJoinsTheWorkerToItsGpuAndDomain() {
        Exposition scrape = Exposition.parse(metrics.scrape());
        assertThat(scrape.value("lrsweep_worker_info", Map.of("worker", "w1", "gpu_uuid", "GPU-0123abcd-0000",
                "domain", "gpu"))).isEqualTo(1.0);
    }

    @Test
    void aTrainingRunsCurveSeriesEndWhenItClosesButItsTestAccuracyStays() {
        TrainingMetrics.RunMeters run = metrics.training().run("s1", "finetune", 0.1, 3.16e-5, 2);
        run.epoch(7, 0.25, 0.875);
        Map<String, String> labels = Map.of("study", "s1", "stage", "finetune", "plr", "0.1", "flr", "3.16e-5",
                "seed", "2");
        Exposition during = Exposition.parse(metrics.scrape());
        assertThat(during.value("lrsweep_train_epoch", labels)).isEqualTo(7.0);
        assertThat(during.value("lrsweep_train_loss", labels)).isEqualTo(0.25);
        assertThat(during.value("lrsweep_train_accuracy_ratio", labels)).isEqualTo(0.875);
        run.tested(0.625);
        run.close();
        Exposition after = Exposition.parse(metrics.scrape());
        assertThat(after.find("lrsweep_train_epoch", Map.of())).isEmpty();
        assertThat(after.find("lrsweep_train_loss", Map.of())).isEmpty();
        assertThat(after.value("lrsweep_test_accuracy_ratio", labels)).isEqualTo(0.625);
    }

    @Test
    void aStageCountsItsOutcomeOnceAndIsInFlightUntilItEnds() {
        StageMetrics.Run run = metrics.stages().started("s1", "analyze", false);
        Map<String, String> stage = Map.of("study", "s1", "stage", "analyze");
        Exposition during = Exposition.parse(metrics.scrape());
        assertThat(during.value("lrsweep_stage_active_seconds_count", stage)).isEqualTo(1.0);
        // Every outcome counter exists from the start, so the first failure shows as an increase.
        assertThat(during.value("lrsweep_stage_runs_total", Map.of("stage", "analyze", "outcome", "failed")))
                .isZero();
        run.ended(StageMetrics.Outcome.FAILED);
        run.ended(StageMetrics.Outcome.COMPLETED);
        Exposition after = Exposition.parse(metrics.scrape());
        assertThat(after.value("lrsweep_stage_active_seconds_count", stage)).isZero();
        assertThat(after.value("lrsweep_stage_runs_total", Map.of("stage", "analyze", "outcome", "failed")))
                .isEqualTo(1.0);
        assertThat(after.value("lrsweep_stage_runs_total", Map.of("stage", "analyze", "outcome", "completed")))
                .isZero();
        assertThat(after.value("lrsweep_stage_duration_seconds_count", Map.of("stage", "analyze", "outcome",
                "failed"))).isEqualTo(1.0);
        assertThat(after.value("lrsweep_stage_retries_total", stage)).isZero();
        metrics.stages().started("s1", "analyze", true).ended(StageMetrics.Outcome.CACHED);
        assertThat(Exposition.parse(metrics.scrape()).value("lrsweep_stage_retries_total", stage)).isEqualTo(1.0);
    }

    @Test
    void theSeriesOfAStudyThatDropsOutOfTheRecentOnesDisappear() {
        exerciseEveryMetric(metrics);
        metrics.stages().started("s2", "plan", false).ended(StageMetrics.Outcome.COMPLETED);
        assertThat(studies()).containsExactly("s1", "s2");
        metrics.analysis().branch("s3", 0.1, 0).angle("swa-ft_low", 0.1);
        // The worker keeps two studies here: s1, the least recently used, is forgotten.
        assertThat(studies()).containsExactly("s2", "s3");
        metrics.stages().started("s1", "plan", false).ended(StageMetrics.Outcome.COMPLETED);
        assertThat(studies()).containsExactly("s1", "s3");
    }

    @Test
    void aStudyIdThatIsNotOneBecomesInvalidInsteadOfFreeText() {
        metrics.stages().started("x\" injected=\"1", "plan", false).ended(StageMetrics.Outcome.FAILED);
        assertThat(studies()).containsExactly("invalid");
    }

    private Set<String> studies() {
        Set<String> out = new TreeSet<>();
        Exposition.parse(metrics.scrape()).samples().forEach(s -> {
            if (s.labels().containsKey("study")) {
                out.add(s.labels().get("study"));
            }
        });
        return out;
    }
}
