package io.lrsweep.monitoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/** Training runs (curves while they happen, throughput, step time) and checkpoint writes. */
public final class TrainingMetrics {
    private final MeterRegistry registry;
    private final SettableGauges gauges;
    private final RecentStudies studies;

    TrainingMetrics(MeterRegistry registry, SettableGauges gauges, RecentStudies studies) {
        this.registry = registry;
        this.gauges = gauges;
        this.studies = studies;
    }

    /**
     * A training run starts. Its curve gauges exist while it runs and are removed when it is closed,
     * so a series of {@code lrsweep_train_epoch} means a run in flight.
     *
     * @param flr the fine-tuning learning rate, or null for pre-training
     */
    public RunMeters run(String studyId, String stage, double plr, Double flr, int seed) {
        String study = LabelValues.study(studyId);
        studies.touch(study);
        Tags run = Tags.of("study", study, "stage", stage, "plr", LabelValues.rate(plr), "flr", LabelValues.rate(flr),
                "seed", Integer.toString(seed));
        Counter samples = Counter.builder(LrsweepMetric.TRAIN_SAMPLES.meterName())
                .description(LrsweepMetric.TRAIN_SAMPLES.help())
                .tags("study", study, "stage", stage, "plr", LabelValues.rate(plr)).register(registry);
        Timer step = Timer.builder(LrsweepMetric.TRAIN_STEP_DURATION.meterName())
                .description(LrsweepMetric.TRAIN_STEP_DURATION.help()).tag("stage", stage).register(registry);
        gauges.set(LrsweepMetric.TRAIN_EPOCH, run, 0);
        return new RunMeters(run, samples, step);
    }

    /** A checkpoint of {@code bytes} was written in {@code nanos}. */
    public void checkpointStored(String stage, long bytes, long nanos) {
        Counter.builder(LrsweepMetric.CHECKPOINT_BYTES.meterName()).baseUnit(LrsweepMetric.CHECKPOINT_BYTES.baseUnit())
                .description(LrsweepMetric.CHECKPOINT_BYTES.help()).tag("stage", stage).register(registry)
                .increment(bytes);
        Timer.builder(LrsweepMetric.CHECKPOINT_UPLOAD_DURATION.meterName())
                .description(LrsweepMetric.CHECKPOINT_UPLOAD_DURATION.help()).tag("stage", stage).register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The meters of one training run; per-step calls touch only a counter and a timer held here. */
    public final class RunMeters implements AutoCloseable {
        private final Tags tags;
        private final Counter samples;
        private final Timer step;

        private RunMeters(Tags tags, Counter samples, Timer step) {
            this.tags = tags;
            this.samples = samples;
            this.step = step;
        }

        /** One SGD step on {@code batch} samples took {@code nanos}. */
        public void step(int batch, long nanos) {
            samples.increment(batch);
            step.record(nanos, TimeUnit.NANOSECONDS);
        }

        /** An epoch ended: {@code epochs} finished so far, with the epoch-mean loss and accuracy. */
        public void epoch(long epochs, double loss, double accuracy) {
            gauges.set(LrsweepMetric.TRAIN_EPOCH, tags, epochs);
            gauges.set(LrsweepMetric.TRAIN_LOSS, tags, loss);
            gauges.set(LrsweepMetric.TRAIN_ACCURACY, tags, accuracy);
        }

        /** The trained point's test accuracy; this series stays after the run ends. */
        public void tested(double accuracy) {
            gauges.set(LrsweepMetric.TEST_ACCURACY, tags, accuracy);
        }

        /** The run ended (finished or failed): its curve series end. */
        @Override
        public void close() {
            gauges.remove(LrsweepMetric.TRAIN_EPOCH, tags);
            gauges.remove(LrsweepMetric.TRAIN_LOSS, tags);
            gauges.remove(LrsweepMetric.TRAIN_ACCURACY, tags);
        }
    }
}
