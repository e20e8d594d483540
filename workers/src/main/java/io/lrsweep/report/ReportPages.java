package io.lrsweep.report;

import io.lrsweep.study.Features;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The human-readable parts of a report: {@code index.html} and {@code results.csv}. */
public final class ReportPages {
    private ReportPages() {
    }

    /** One row per PLR: every aggregated number, the feature results of the four points, the sharpness. */
    public static String csv(StudyReport r) {
        StringBuilder b = new StringBuilder("plr,regime,seeds,converged_seeds,min_epoch_loss,typical_max_test_barrier,"
                + "pretrain_test_accuracy,pretrain_point_test_accuracy");
        var first = r.perPlr().get(0);
        first.finetune().forEach(f -> b.append(",finetune_flr_").append(f.flr()).append("_test_accuracy"));
        first.average().forEach(a -> b.append(",average_k").append(a.k()).append("_test_accuracy"));
        first.geometry().forEach(g -> b.append(",angle_").append(g.pair()).append(",barrier_train_").append(g.pair())
                .append(",barrier_test_").append(g.pair()).append(",barrier_test_median_").append(g.pair())
                .append(",barrier_test_iqr_").append(g.pair()));
        featureHeaders(first.features()).forEach(h -> b.append(',').append(h));
        if (first.sharpness() != null) {
            b.append(",sharpness_trace,sharpness_trace_normalized,sharpness_top_eigenvalue,sharpness_trace_finetune_low");
        }
        // Last, so that the columns before it keep their places for readers that count them.
        b.append(",round\n");
        for (var row : r.perPlr()) {
            b.append(row.plr()).append(',').append(row.regime()).append(',').append(row.seeds()).append(',')
                    .append(row.convergedSeeds()).append(',').append(num(row.minEpochLoss())).append(',')
                    .append(num(row.typicalMaxTestBarrier())).append(',').append(num(row.pretrain().testAccuracy()))
                    .append(',').append(num(row.pretrain().pointTestAccuracy()));
            row.finetune().forEach(f -> b.append(',').append(num(f.testAccuracy())));
            row.average().forEach(a -> b.append(',').append(num(a.testAccuracy())));
            row.geometry().forEach(g -> b.append(',').append(num(g.angle())).append(',').append(num(g.barrierTrain()))
                    .append(',').append(num(g.barrierTest())).append(',').append(num(g.barrierTestMedian()))
                    .append(',').append(num(g.barrierTestIqr())));
            featureValues(row.features()).forEach(v -> b.append(',').append(num(v)));
            if (row.sharpness() != null) {
                var s = row.sharpness();
                b.append(',').append(num(s.trace())).append(',').append(num(s.traceNormalized())).append(',')
                        .append(num(s.topEigenvalue())).append(',').append(num(s.finetuneLow().trace()));
            }
            b.append(',').append(row.round()).append('\n');
        }
        return b.toString();
    }

    /**
     * The page: summary, the paper's claims answered, every figure with its caption, the per-PLR
     * table; the study's links and code version at the top, its input at the end.
     */
    public static String html(StudyReport r, Map<String, String> captions, ReportProvenance provenance) {
        var s = r.summary();
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>lrsweep report ")
                .append(esc(r.studyId())).append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1000px}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;"
                        + "text-align:right}th{background:#f3f3f3}img{max-width:100%;margin:1em 0 0}"
                        + "figure{margin:0 0 1.5em}figcaption{color:#444}.yes{color:#1a7f37}.no{color:#b42318}"
                        + ".inconclusive{color:#8a6d00}.wide{overflow-x:auto}"
                        // The input's values (URLs, lists of PLRs) wrap inside their cells at any width.
                        + "table.input th{text-align:left;font-weight:normal}table.input td{text-align:left;"
                        + "overflow-wrap:anywhere}</style></head><body>\n");
        b.append("<h1>Large-learning-rate study ").append(esc(r.studyId())).append("</h1>\n<p>Preset <b>")
                .append(esc(r.preset())).append("</b>. Learning rates are effective learning rates on the sphere; "
                        + "accuracies and barriers are fractions; angles in radians. Numbers are means over seeds,"
                        + " barriers also medians and inter-quartile ranges."
                        + " Raw numbers: <a href=\"results.json\">results.json</a>, <a href=\"results.csv\">results.csv</a>.</p>\n");
        b.append(provenance.header());
        b.append("<h2>Summary</h2>\n<table>\n");
        row(b, "last converging PLR (the paper's 1→2 line)", opt(s.lastConvergedPlr()));
        row(b, "first non-converging PLR (threshold_plr)", opt(s.thresholdPlr()));
        row(b, "2A band", s.band2a() == null ? "none detected" : fmt(s.band2a().get(0)) + " … " + fmt(s.band2a().get(1)));
        row(b, "best pre-training", best(s.bestPretrain()));
        row(b, "best fine-tuning", best(s.bestFinetune()));
        row(b, "best SWA", best(s.bestAverage()));
        String refined = refinedPlrs(r);
        if (!refined.isEmpty()) {
            row(b, "PLRs added by refinement (round: PLRs)", refined);
        }
        r.thresholds().forEach((k, v) -> row(b, "threshold " + k, fmt(v)));
        b.append("</table>\n<h2>The paper's claims in this study</h2>\n<table>\n<tr><th>claim</th><th>verdict</th>"
                + "<th>evidence</th></tr>\n");
        for (StudyReport.Claim c : s.claims()) {
            b.append("<tr><td style=\"text-align:left\">").append(esc(c.claim())).append("</td><td class=\"")
                    .append(esc(c.verdict())).append("\"><b>").append(esc(c.verdict())).append("</b></td><td style=\""
                            + "text-align:left\">").append(esc(c.evidence())).append("</td></tr>\n");
        }
        b.append("</table>\n");
        captions.forEach((f, caption) -> b.append("<figure><img src=\"figures/").append(esc(f)).append("\" alt=\"")
                .append(esc(caption)).append("\"><figcaption>").append(esc(caption)).append("</figcaption></figure>\n"));
        // One column per FLR, K and pair: wider than a page at the paper's grids, so it scrolls in its own box.
        b.append("<h2>Per PLR</h2>\n<div class=\"wide\"><table>\n<tr><th>PLR</th><th>round</th><th>regime</th><th>seeds</th><th>converged</th><th>typical max test barrier</th><th>pre-train</th>");
        var first = r.perPlr().get(0);
        first.finetune().forEach(f -> b.append("<th>FT ").append(fmt(f.flr())).append("</th>"));
        first.average().forEach(a -> b.append("<th>SWA K=").append(a.k()).append("</th>"));
        first.geometry().forEach(g -> b.append("<th>angle ").append(esc(g.pair())).append("</th><th>median test barrier ")
                .append(esc(g.pair())).append("</th>"));
        featureHeaders(first.features()).forEach(h -> b.append("<th>").append(esc(h)).append("</th>"));
        b.append("</tr>\n");
        for (var row : r.perPlr()) {
            b.append("<tr><td>").append(fmt(row.plr())).append("</td><td>").append(row.round()).append("</td>")
                    .append(regime(row))
                    .append("<td>").append(row.seeds()).append("</td><td>").append(row.convergedSeeds()).append("</td>")
                    .append(spread(row.typicalMaxTestBarrier(), row.maxTestBarrierPerSeed(), row.maxTestBarrierIqr(),
                            "IQR"))
                    .append(spread(row.pretrain().testAccuracy(), row.pretrain().perSeed(),
                            row.pretrain().testAccuracyStd(), "±"));
            row.finetune().forEach(f -> b.append(spread(f.testAccuracy(), f.perSeed(), f.testAccuracyStd(), "±")));
            row.average().forEach(a -> b.append(spread(a.testAccuracy(), a.perSeed(), a.testAccuracyStd(), "±")));
            row.geometry().forEach(g -> b.append("<td>").append(num(g.angle())).append("</td><td>")
                    .append(num(g.barrierTestMedian())).append("</td>"));
            featureValues(row.features()).forEach(v -> b.append("<td>").append(num(v)).append("</td>"));
            b.append("</tr>\n");
        }
        b.append("</table></div>\n").append(provenance.input()).append("</body></html>\n");
        return b.toString();
    }

    /** "1: 0.01; 2: 0.00631" for the rounds of refinement; empty when the study had none. */
    private static String refinedPlrs(StudyReport r) {
        Map<Integer, List<String>> byRound = new TreeMap<>();
        r.perPlr().stream().filter(row -> row.round() > 0)
                .forEach(row -> byRound.computeIfAbsent(row.round(), k -> new ArrayList<>()).add(fmt(row.plr())));
        List<String> parts = new ArrayList<>();
        byRound.forEach((round, plrs) -> parts.add(round + ": " + String.join(", ", plrs)));
        return String.join("; ", parts);
    }

    private static String best(StudyReport.Best best) {
        if (best == null) {
            return "—";
        }
        String at = "PLR " + fmt(best.plr()) + (best.flr() != null ? ", FLR " + fmt(best.flr()) : "")
                + (best.k() != null ? ", K=" + best.k() : "");
        return num(best.testAccuracy()) + " at " + at;
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append("<tr><th style=\"text-align:left\">").append(esc(label)).append("</th><td>").append(esc(value))
                .append("</td></tr>\n");
    }

    private static String opt(Double v) {
        return v == null ? "none" : fmt(v);
    }

    /** The PLR's regime and, with several seeds, how many of them would get it on their own. */
    private static String regime(StudyReport.PlrRow row) {
        SeedRegimes s = row.seedRegimes();
        if (s.of() < 2) {
            return "<td>" + row.regime() + "</td>";
        }
        return "<td title=\"" + bySeed(s.bySeed(), String::valueOf) + "\">" + row.regime() + " (" + s.agree() + "/"
                + s.of() + " seeds)</td>";
    }

    /**
     * A cell: the value, and with several seeds its spread ({@code ± std}, or the IQR of a median)
     * and each seed's value on hover.
     */
    private static String spread(double value, SeedValues perSeed, double spread, String kind) {
        if (perSeed.count() < 2) {
            return "<td>" + num(value) + "</td>";
        }
        String shown = kind.equals("±") ? num(value) + " ± " + num(spread) : num(value) + " (IQR " + num(spread) + ")";
        return "<td title=\"" + bySeed(perSeed.bySeed(), ReportPages::num) + "\">" + shown + "</td>";
    }

    /** A cell's hover text: each seed's value, e.g. "seed 0: 0.8310, seed 1: 0.8112", escaped. */
    private static <T> String bySeed(Map<Integer, T> values, Function<T, String> show) {
        List<String> each = new ArrayList<>();
        values.forEach((seed, v) -> each.add("seed " + seed + ": " + show.apply(v)));
        return esc(String.join(", ", each));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** Feature columns per point: the concentration (synthetic) or one accuracy per Fourier band (images). */
    private static List<String> featureHeaders(StudyReport.FeaturePoints f) {
        List<String> out = new ArrayList<>();
        f.points().forEach((point, summary) -> {
            switch (summary.values()) {
                case Features.SingleFeatures s -> out.add("concentration_" + point);
                case Features.Bands bands -> bands.accuracy().keySet()
                        .forEach(band -> out.add("band_" + band + "_test_accuracy_" + point));
            }
        });
        return out;
    }

    private static List<Double> featureValues(StudyReport.FeaturePoints f) {
        List<Double> out = new ArrayList<>();
        f.points().values().forEach(summary -> {
            switch (summary.values()) {
                case Features.SingleFeatures s -> out.add(s.concentration());
                case Features.Bands bands -> out.addAll(bands.accuracy().values());
            }
        });
        return out;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
