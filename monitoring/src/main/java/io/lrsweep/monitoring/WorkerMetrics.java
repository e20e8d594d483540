package io.lrsweep.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The metrics of one worker process: the lrsweep catalogue plus JVM and process metrics, in one
 * Prometheus registry. Series labelled with a study are kept for the most recent studies only.
 */
public final class WorkerMetrics implements AutoCloseable {
    /** Studies whose series a worker keeps exporting (most recently used first). */
    public static final int RECENT_STUDIES = 4;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final SettableGauges gauges = new SettableGauges(registry);
    private final RecentStudies studies;
    private final StageMetrics stages;
    private final TrainingMetrics training;
    private final AnalysisMetrics analysis;
    private final ConductorClientMetrics conductorClient = new ConductorClientMetrics(registry);

    public WorkerMetrics(WorkerIdentity identity) {
        this(identity, RECENT_STUDIES);
    }

    WorkerMetrics(WorkerIdentity identity, int recentStudies) {
        studies = new RecentStudies(recentStudies);
        studies.onForget(this::forget);
        stages = new StageMetrics(registry, studies);
        training = new TrainingMetrics(registry, gauges, studies);
        analysis = new AnalysisMetrics(gauges, studies);
        for (var binder : List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new JvmInfoMetrics(), new ProcessorMetrics(), new UptimeMetrics(), new FileDescriptorMetrics())) {
            binder.bindTo(registry);
        }
        Gauge.builder(LrsweepMetric.WORKER_INFO.meterName(), () -> 1).description(LrsweepMetric.WORKER_INFO.help())
                .tags("worker", identity.worker(), "gpu_uuid", identity.gpuUuid(), "domain", identity.domain())
                .register(registry);
    }

    /** Exports how many of the process's {@code total} compute slots are busy. */
    public void computeSlots(int total, IntSupplier busy) {
        Gauge.builder(LrsweepMetric.WORKER_COMPUTE_SLOTS.meterName(), busy::getAsInt)
                .description(LrsweepMetric.WORKER_COMPUTE_SLOTS.help()).tag("state", "busy").register(registry);
        Gauge.builder(LrsweepMetric.WORKER_COMPUTE_SLOTS.meterName(), () -> total - busy.getAsInt())
                .description(LrsweepMetric.WORKER_COMPUTE_SLOTS.help()).tag("state", "idle").register(registry);
    }

    public StageMetrics stages() {
        return stages;
    }

    public TrainingMetrics training() {
        return training;
    }

    public AnalysisMetrics analysis() {
        return analysis;
    }

    /** The bridge from the Conductor client's task-runner events (see {@link ConductorClientMetrics#attachTo}). */
    public ConductorClientMetrics conductorClient() {
        return conductorClient;
    }

    /** The Prometheus text exposition (format 0.0.4) of everything registered. */
    public String scrape() {
        return registry.scrape();
    }

    private void forget(String study) {
        gauges.removeIf(tags -> study.equals(tagValue(tags, "study")));
        for (Meter m : registry.getMeters()) {
            if (study.equals(m.getId().getTag("study"))) {
                registry.remove(m);
            }
        }
    }

    private static String tagValue(Tags tags, String key) {
        return tags.stream().filter(t -> t.getKey().equals(key)).map(Tag::getValue)
                .findFirst().orElse(null);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
