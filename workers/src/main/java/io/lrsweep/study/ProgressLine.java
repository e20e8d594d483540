package io.lrsweep.study;

import java.util.ArrayList;
import java.util.List;

/**
 * A study's progress in one line of text: the share done, the ETA, and per stage done + running +
 * waiting (+ failed) = total; stages all done show their count, stages not begun are listed last.
 */
public final class ProgressLine {
    /** What the per-stage sums mean, for readers who meet the line for the first time. */
    public static final String LEGEND = "done+running+waiting";

    private ProgressLine() {
    }

    public static String of(List<StageTally> tallies, ProgressEstimate estimate) {
        StringBuilder b = new StringBuilder();
        b.append(Math.round(estimate.fractionDone() * 1000) / 10.0).append('%');
        b.append(" ETA ").append(eta(estimate));
        List<String> next = new ArrayList<>();
        for (StageTally t : tallies) {
            String total = (t.exact() ? "" : "≤") + t.total();
            if (t.total() == 0) {
                continue;
            }
            if (t.done() == 0 && t.running() == 0 && t.failed() == 0) {
                next.add(t.stage() + " " + total);
            } else if (t.done() == t.total() && t.exact()) {
                b.append(" | ").append(t.stage()).append(' ').append(t.done());
            } else {
                b.append(" | ").append(t.stage()).append(' ').append(t.done()).append('+').append(t.running())
                        .append('+').append(t.waiting());
                if (t.failed() > 0) {
                    b.append('+').append(t.failed()).append(" failed");
                }
                b.append('=').append(total);
            }
        }
        if (!next.isEmpty()) {
            b.append(" | next: ").append(String.join(", ", next));
        }
        return b.toString();
    }

    /** The ETA as a person reads it: "~3m 10s", "&gt;40s" while some stage is not timed yet, "?" before any. */
    public static String eta(ProgressEstimate estimate) {
        if (estimate.etaSeconds().isEmpty()) {
            return "?";
        }
        return (estimate.etaLowerBound() ? ">" : "~") + duration(estimate.etaSeconds().getAsDouble());
    }

    /** Seconds as "45s", "3m 10s", "2h 05m". */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m " + String.format("%02d", s % 60) + "s";
        }
        return s / 3600 + "h " + String.format("%02d", s / 60 % 60) + "m";
    }
}
