package io.lrsweep.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Gauges whose value is set rather than sampled, keyed by metric and tags, and removable: a series
 * that should end (a run that finished, a study that was forgotten) disappears from the scrape.
 */
final class SettableGauges {
    private final MeterRegistry registry;
    private final Map<Key, Value> values = new ConcurrentHashMap<>();

    private record Key(LrsweepMetric metric, Tags tags) {
    }

    /** The current value of one series and the gauge that exposes it. */
    private static final class Value {
        private volatile double value;
        private Gauge gauge;

        double get() {
            return value;
        }
    }

    SettableGauges(MeterRegistry registry) {
        this.registry = registry;
    }

    void set(LrsweepMetric metric, Tags tags, double value) {
        values.computeIfAbsent(new Key(metric, tags), k -> {
            Value v = new Value();
            // A strong reference: Micrometer holds gauge state weakly by default, and these holders live only here.
            v.gauge = Gauge.builder(metric.meterName(), v, Value::get).tags(tags).baseUnit(metric.baseUnit()).description(metric.help())
                    .strongReference(true).register(registry);
            return v;
        }).value = value;
    }

    void remove(LrsweepMetric metric, Tags tags) {
        Value v = values.remove(new Key(metric, tags));
        if (v != null) {
            registry.remove(v.gauge);
        }
    }

    /** Removes every series whose tags match. */
    void removeIf(Predicate<Tags> matches) {
        values.entrySet().removeIf(e -> {
            if (!matches.test(e.getKey().tags())) {
                return false;
            }
            registry.remove(e.getValue().gauge);
            return true;
        });
    }
}
