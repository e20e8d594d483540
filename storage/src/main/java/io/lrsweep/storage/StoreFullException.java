package io.lrsweep.storage;

import java.io.IOException;

/**
 * A write that failed because the store's file system has no space left (or the user's quota is
 * used up). Retrying does not help until someone frees space, so stages end for good with it.
 */
public final class StoreFullException extends IOException {
    public StoreFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
