package io.lrsweep.storage;

import java.io.IOException;

/** An object whose bytes do not match what its manifest recorded (truncated, altered or missing). */
public final class CorruptObjectException extends IOException {
    private final String key;

    public CorruptObjectException(String key, String detail) {
        super("object " + key + " is corrupt: " + detail);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
