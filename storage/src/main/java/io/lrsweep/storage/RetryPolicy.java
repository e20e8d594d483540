package io.lrsweep.storage;

import java.time.Duration;

/** Bounded exponential backoff for transient store faults: delays initial, 2·initial, … up to maxDelay. */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    /**
     * 14 attempts, 250 ms doubling to 8 s: 72 s of waiting in all, so an object store that is away
     * for a minute (a restart, a failover) delays stages instead of failing them.
     */
    public static final RetryPolicy DEFAULT = new RetryPolicy(14, Duration.ofMillis(250), Duration.ofSeconds(8));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("delays must satisfy 0 <= initialDelay <= maxDelay");
        }
    }

    /** The wait before attempt {@code attempt} (2 = the first retry). */
    public Duration delayBefore(int attempt) {
        long millis = initialDelay.toMillis() << Math.min(30, Math.max(0, attempt - 2));
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }
}
