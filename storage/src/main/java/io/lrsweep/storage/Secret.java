package io.lrsweep.storage;

/** A credential that never shows itself: {@link #toString()} is masked, so logs and messages cannot leak it. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("secret is empty");
        }
        this.value = value;
    }

    /** The secret itself, for the one call that needs it. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "****";
    }
}
