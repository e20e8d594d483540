package io.lrsweep.setup;

/**
 * A training stage stopped on request (its worker is shutting down) at a step boundary, after
 * writing its resume checkpoint: a later attempt of the same stage continues exactly from there.
 */
public final class StageStopped extends RuntimeException {
    public StageStopped(String message) {
        super(message);
    }
}
