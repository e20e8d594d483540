package io.lrsweep.science.images;

import java.util.Arrays;
import java.util.Locale;

/** Which image network to build: architecture, width c, input channels and classes. */
public record NetworkSpec(Architecture architecture, int width, int inChannels, int classes) {
    /** Frobenius norm of the fixed head of the SI models. */
    public static final double HEAD_NORM = 10.0;

    public NetworkSpec {
        if (width < 1 || inChannels < 1 || classes < 2) {
            throw new IllegalArgumentException("width, inChannels must be >= 1 and classes >= 2");
        }
    }

    /** The models of study-spec §3, with the radius rho of their sphere (0: not scale-invariant). */
    public enum Architecture {
        SI_CONVNET("si-convnet", 12),
        SI_RESNET18("si-resnet18", 28),
        RESNET18("resnet18", 0);

        private final String id;
        private final double rho;

        Architecture(String id, double rho) {
            this.id = id;
            this.rho = rho;
        }

        public String id() {
            return id;
        }

        public double rho() {
            return rho;
        }

        public boolean scaleInvariant() {
            return rho > 0;
        }

        public static Architecture of(String id) {
            String wanted = id == null ? "" : id.toLowerCase(Locale.ROOT);
            return Arrays.stream(values()).filter(a -> a.id.equals(wanted)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("model '" + id + "' is not one of "
                            + Arrays.stream(values()).map(Architecture::id).toList()));
        }

        @Override
        public String toString() {
            return id;
        }
    }
}
