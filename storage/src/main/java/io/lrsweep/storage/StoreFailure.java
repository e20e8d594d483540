package io.lrsweep.storage;

import java.io.IOException;

/** A store operation that failed for good: retrying would not help (refused credentials, no bucket, …). */
public final class StoreFailure extends IOException {
    public StoreFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
