package io.lrsweep.monitoring;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The studies a worker still exports series for: the {@code capacity} most recently used. A
 * long-running worker would otherwise grow one set of series per study forever.
 */
final class RecentStudies {
    private final Map<String, Boolean> recent;
    private Consumer<String> forget = s -> {
    };

    RecentStudies(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
        }
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                if (size() > capacity) {
                    forget.accept(eldest.getKey());
                    return true;
                }
                return false;
            }
        };
    }

    /** What to do with a study that drops out. */
    void onForget(Consumer<String> action) {
        this.forget = action;
    }

    synchronized void touch(String study) {
        recent.put(study, Boolean.TRUE);
    }

    synchronized boolean contains(String study) {
        return recent.containsKey(study);
    }
}
