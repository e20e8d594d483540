package io.lrsweep.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Stage executions: outcome counters, duration histograms and the in-flight long-task timer. */
public final class StageMetrics {
    /** Histogram buckets from a second (synthetic stages) to 12 hours (an image pre-training). */
    static final Duration[] DURATION_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(1),
        Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2),
        Duration.ofHours(4), Duration.ofHours(8), Duration.ofHours(12)};

    /** How a stage execution ended; STOPPED: handed back unfinished because its worker was shutting down. */
    public enum Outcome {
        COMPLETED, CACHED, FAILED, STOPPED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final RecentStudies studies;

    StageMetrics(MeterRegistry registry, RecentStudies studies) {
        this.registry = registry;
        this.studies = studies;
    }

    /**
     * A stage execution starts. Its outcome counters are created at zero first, so that the first
     * failure already shows as an increase.
     *
     * @param retry whether Conductor delivered this as a retry of a failed attempt
     */
    public Run started(String studyId, String stage, boolean retry) {
        String study = LabelValues.study(studyId);
        studies.touch(study);
        Tags tags = Tags.of("study", study, "stage", stage);
        for (Outcome o : Outcome.values()) {
            runs(tags, o);
        }
        Counter retries = Counter.builder(LrsweepMetric.STAGE_RETRIES.meterName())
                .description(LrsweepMetric.STAGE_RETRIES.help()).tags(tags).register(registry);
        if (retry) {
            retries.increment();
        }
        LongTaskTimer active = LongTaskTimer.builder(LrsweepMetric.STAGE_ACTIVE.meterName())
                .description(LrsweepMetric.STAGE_ACTIVE.help()).tags(tags).register(registry);
        return new Run(tags, active.start(), System.nanoTime());
    }

    private Counter runs(Tags tags, Outcome outcome) {
        return Counter.builder(LrsweepMetric.STAGE_RUNS.meterName()).description(LrsweepMetric.STAGE_RUNS.help())
                .tags(tags).tag("outcome", outcome.label()).register(registry);
    }

    /** One stage execution in flight. */
    public final class Run {
        private final Tags tags;
        private final LongTaskTimer.Sample active;
        private final long started;
        private boolean ended;

        private Run(Tags tags, LongTaskTimer.Sample active, long started) {
            this.tags = tags;
            this.active = active;
            this.started = started;
        }

        /** The execution ended; counts it once, whatever happens afterwards. */
        public synchronized void ended(Outcome outcome) {
            if (ended) {
                return;
            }
            ended = true;
            active.stop();
            Timer.builder(LrsweepMetric.STAGE_DURATION.meterName()).description(LrsweepMetric.STAGE_DURATION.help())
                    .serviceLevelObjectives(DURATION_BUCKETS).tags(tags).tag("outcome", outcome.label())
                    .register(registry).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            runs(tags, outcome).increment();
        }
    }
}
