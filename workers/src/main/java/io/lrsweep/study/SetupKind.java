package io.lrsweep.study;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The setups a study can have: the synthetic feature-sparsity study, or image models on DJL. */
public enum SetupKind {
    SYNTHETIC("synthetic"),
    IMAGE("image");

    private final String id;

    SetupKind(String id) {
        this.id = id;
    }

    /** The name studies use ({@code setup} field). */
    public String id() {
        return id;
    }

    public static Optional<SetupKind> named(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(SetupKind::id).toList();
    }

    @Override
    public String toString() {
        return id;
    }
}
