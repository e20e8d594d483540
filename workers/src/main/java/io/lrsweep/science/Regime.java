package io.lrsweep.science;

/** The training regimes of a fixed learning rate, in the paper's numbering. */
public enum Regime {
    CONVERGENCE("1"),
    CHAOTIC_2A("2A"),
    CHAOTIC_2B("2B"),
    DIVERGENCE("3");

    private final String label;

    Regime(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Regime fromLabel(String label) {
        for (Regime r : values()) {
            if (r.label.equals(label)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown regime " + label);
    }
}
