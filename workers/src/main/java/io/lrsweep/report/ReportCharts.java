package io.lrsweep.report;

import io.lrsweep.study.Features;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.text.DecimalFormat;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/** The report's figures as PNG bytes: quantities against PLR on a log axis, regime bands shaded. */
public final class ReportCharts {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;
    private static final Map<String, Color> REGIME_COLORS = Map.of(
            "1", new Color(66, 133, 244, 40),
            "2A", new Color(52, 168, 83, 70),
            "2B", new Color(251, 188, 5, 55),
            "3", new Color(234, 67, 53, 45));

    private ReportCharts() {
    }

    /** A figure: its PNG bytes and the one-line caption saying what the paper claims it shows. */
    public record Figure(byte[] png, String caption) {
    }

    /** All figures of a report, by file name. */
    public static Map<String, Figure> all(StudyReport r) throws IOException {
        Map<String, Figure> figures = new LinkedHashMap<>();
        List<StudyReport.PlrRow> rows = r.perPlr();
        Map<String, ToDoubleFunction<StudyReport.PlrRow>> pre = new LinkedHashMap<>();
        pre.put("pre-training", row -> row.pretrain().testAccuracy());
        if (rows.stream().anyMatch(row -> row.pretrain().pointTestAccuracy() != row.pretrain().testAccuracy())) {
            pre.put("pre-trained point", row -> row.pretrain().pointTestAccuracy());
        }
        figures.put("pretrain-accuracy.png", new Figure(chart("Pre-training: test accuracy", "test accuracy", rows,
                pre), "The paper: pre-training alone peaks at a PLR below the 2A band and never reaches the best"
                + " fine-tuned or SWA accuracy (images: mean of the last epochs and the pre-trained point itself)."));

        Map<String, ToDoubleFunction<StudyReport.PlrRow>> ft = new LinkedHashMap<>();
        for (int i = 0; i < rows.get(0).finetune().size(); i++) {
            int fi = i;
            ft.put("FT, FLR " + rows.get(0).finetune().get(i).flr(), row -> row.finetune().get(fi).testAccuracy());
        }
        ft.put("pre-training", row -> row.pretrain().testAccuracy());
        figures.put("finetune-accuracy.png", new Figure(chart("Fine-tuning: test accuracy", "test accuracy", rows,
                ft), "The paper: fine-tuning peaks for PLRs in the 2A band, just above the convergence threshold,"
                + " whatever the FLR."));

        Map<String, ToDoubleFunction<StudyReport.PlrRow>> swa = new LinkedHashMap<>();
        for (int i = 0; i < rows.get(0).average().size(); i++) {
            int ai = i;
            swa.put("SWA, K=" + rows.get(0).average().get(i).k(), row -> row.average().get(ai).testAccuracy());
        }
        swa.put("pre-training", row -> row.pretrain().testAccuracy());
        figures.put("average-accuracy.png", new Figure(chart("SWA: test accuracy", "test accuracy", rows, swa),
                "The paper: weight averaging, like fine-tuning, is best for PLRs in the 2A band."));

        StudyReport.Best bestFt = r.summary().bestFinetune();
        StudyReport.Best bestSwa = r.summary().bestAverage();
        if (rows.get(0).seeds() > 1 && bestFt != null && bestSwa != null) {
            Map<String, Function<StudyReport.PlrRow, SeedValues>> seeds = new LinkedHashMap<>();
            seeds.put("pre-training", row -> row.pretrain().perSeed());
            seeds.put("FT, FLR " + bestFt.flr(), row -> row.finetune().stream()
                    .filter(f -> f.flr() == bestFt.flr()).findFirst().orElseThrow().perSeed());
            seeds.put("SWA, K=" + bestSwa.k(), row -> row.average().stream()
                    .filter(a -> a.k() == bestSwa.k()).findFirst().orElseThrow().perSeed());
            figures.put("seed-accuracy.png", new Figure(seedPoints("Test accuracy seed by seed (lines: means)", rows,
                    seeds), "Every seed's test accuracy at the best FLR and K, and pre-training: how far the seeds"
                    + " spread around the means the claims are read from."));
        }

        figures.put("angles.png", new Figure(chart("Angular distance between points", "angle (rad)", rows,
                geometry(rows, StudyReport.PairGeometry::angle)), "The paper: in 2A the SWA and fine-tuned points"
                + " are close (small angles); angles grow through 2B (seed means)."));
        figures.put("barriers-train.png", new Figure(band("Train error barrier (median, IQR shaded)",
                "barrier (fraction of error)", rows, StudyReport.PairGeometry::barrierTrainMedian,
                StudyReport.PairGeometry::barrierTrainIqr), "The paper: no barrier between the points in 2A"
                + " (one basin); barriers grow in 2B and appear at small PLRs when fine-tuning with a high FLR."));
        figures.put("barriers-test.png", new Figure(band("Test error barrier (median, IQR shaded)",
                "barrier (fraction of error)", rows, StudyReport.PairGeometry::barrierTestMedian,
                StudyReport.PairGeometry::barrierTestIqr), "The paper: as for train error; the regime rule uses"
                + " the median over seeds of each seed's largest test barrier."));
        features(rows, figures);
        if (rows.stream().allMatch(row -> row.sharpness() != null)) {
            Map<String, ToDoubleFunction<StudyReport.PlrRow>> sharp = new LinkedHashMap<>();
            sharp.put("trace, pre-trained", row -> row.sharpness().trace());
            sharp.put("trace, FT low FLR", row -> row.sharpness().finetuneLow().trace());
            sharp.put("top eigenvalue × 100, pre-trained", row -> 100 * row.sharpness().topEigenvalue());
            figures.put("sharpness.png", new Figure(chart("Sharpness: Hessian trace and top eigenvalue",
                    "sharpness", rows, sharp), "The paper (appendix): larger PLRs lead to flatter points; the"
                    + " trace and top eigenvalue of the Hessian over the SI parameters fall with the PLR."));
        }
        if (rows.stream().allMatch(row -> row.weightNorms() != null)) {
            figures.put("weight-norms.png", new Figure(histograms(rows), "The paper (regime 3): at divergent PLRs"
                    + " the norms of many filters collapse, which shows as mass at small log10(‖W[i]‖/ρ)."));
        }
        if (rows.stream().allMatch(row -> row.epochLoss() != null)) {
            figures.put("training-curves.png", new Figure(curves("Pre-training: mean training loss", "epoch",
                    "train loss", rows, StudyReport.PlrRow::epochLoss, 1, true), "The paper: regime 1 drives the"
                    + " training loss to zero; regime 2 settles at a non-zero level; regime 3 stays at chance level."));
        }
        StudyReport.PairGeometry path = rows.get(0).geometry().get(0);
        if (rows.stream().allMatch(row -> row.geometry().get(0).trainLossCurve() != null)) {
            figures.put("path-loss.png", new Figure(curves("Train-mode loss along " + path.pair(), "α", "train loss",
                    rows, row -> row.geometry().get(0).trainLossCurve(), 0, true), "The paper (appendix): in 2A the"
                    + " loss stays flat between the points; in 2B and at small PLRs it rises in between."));
        }
        if (rows.stream().allMatch(row -> row.geometry().get(0).gradientNormCurve() != null)) {
            figures.put("path-gradient-norm.png", new Figure(curves("Gradient norm along " + path.pair(), "α",
                    "‖∇L‖ over the SI parameters", rows, row -> row.geometry().get(0).gradientNormCurve(), 0, true),
                    "The paper (appendix): the gradient norm along the segment mirrors the loss barrier."));
        }
        return figures;
    }

    /** The feature figures: sorted single features and concentration at four points, or band accuracies. */
    private static void features(List<StudyReport.PlrRow> rows, Map<String, Figure> figures) throws IOException {
        List<String> points = StudyReport.FeaturePoints.NAMES;
        switch (rows.get(0).features().points().get("finetune_low").values()) {
            case Features.SingleFeatures single -> {
                Map<String, ToDoubleFunction<StudyReport.PlrRow>> sorted = new LinkedHashMap<>();
                for (int f = 0; f < single.sorted().length; f++) {
                    int fi = f;
                    sorted.put("rank " + (f + 1), row -> singleOf(row, "finetune_low").sorted()[fi]);
                }
                figures.put("features-sorted.png", new Figure(chart("Sorted single-feature accuracies (fine-tuned,"
                        + " low FLR)", "single-feature test accuracy", rows, sorted), "The paper: in 2A one or two"
                        + " features stand far above 50 %, the rest near it (sparse); small PLRs learn all a little."));
                Map<String, ToDoubleFunction<StudyReport.PlrRow>> conc = new LinkedHashMap<>();
                for (String point : points) {
                    conc.put(point, row -> singleOf(row, point).concentration());
                }
                figures.put("features-concentration.png", new Figure(chart("Feature concentration (1 = one feature,"
                        + " 1/16 = all equal)", "concentration", rows, conc), "The paper: features concentrate in"
                        + " 2A at every point (pre-trained, both fine-tuned, SWA); too-large PLRs learn none."));
            }
            case Features.Bands bands -> {
                for (String point : points) {
                    Map<String, ToDoubleFunction<StudyReport.PlrRow>> series = new LinkedHashMap<>();
                    for (String band : bands.accuracy().keySet()) {
                        series.put(band + " band", row -> ((Features.Bands) row.features().points().get(point)
                                .values()).accuracy().get(band));
                    }
                    figures.put("features-bands-" + point + ".png", new Figure(chart("Test accuracy on Fourier bands ("
                            + point + ")", "band-only test accuracy", rows, series), "The paper: 2A models rely on a"
                            + " few frequency bands (mostly low), small PLRs spread over more of them."));
                }
            }
        }
    }

    private static Features.SingleFeatures singleOf(StudyReport.PlrRow row, String point) {
        return (Features.SingleFeatures) row.features().points().get(point).values();
    }

    static byte[] chart(String title, String yLabel, List<StudyReport.PlrRow> rows,
                        Map<String, ToDoubleFunction<StudyReport.PlrRow>> series) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (var e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey(), false, true);
            for (var row : rows) {
                s.add(row.plr(), e.getValue().applyAsDouble(row));
            }
            data.addSeries(s);
        }
        JFreeChart chart = againstPlr(title, yLabel, data);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            if (data.getSeriesKey(i).toString().startsWith("rank ")) {
                // Ranks run from red (the strongest feature) to blue (the weakest).
                float hue = 0.66f * i / Math.max(1, data.getSeriesCount() - 1);
                renderer.setSeriesPaint(i, Color.getHSBColor(hue, 0.85f, 0.85f));
            }
            if (data.getSeriesKey(i).equals("pre-training") && data.getSeriesCount() > 1) {
                // The reference line: black and dashed, so the FT/SWA lines stand out against it.
                renderer.setSeriesPaint(i, Color.BLACK);
                renderer.setSeriesStroke(i, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                        new float[] {6f, 4f}, 0f));
            }
        }
        plot.setRenderer(renderer);
        shadeRegimes(plot, rows);
        return png(chart);
    }

    /** Seed means as lines and each seed's value as a point of the same colour. */
    private static byte[] seedPoints(String title, List<StudyReport.PlrRow> rows,
                                     Map<String, Function<StudyReport.PlrRow, SeedValues>> series) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (var e : series.entrySet()) {
            XYSeries mean = new XYSeries(e.getKey(), false, true);
            XYSeries each = new XYSeries(e.getKey() + ", seeds", false, true);
            for (var row : rows) {
                SeedValues v = e.getValue().apply(row);
                mean.add(row.plr(), v.mean());
                v.bySeed().values().forEach(x -> each.add(row.plr(), x));
            }
            data.addSeries(mean);
            data.addSeries(each);
        }
        JFreeChart chart = againstPlr(title, "test accuracy", data);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            Color color = Color.getHSBColor((i / 2) / (float) series.size(), 0.8f, 0.75f);
            renderer.setSeriesPaint(i, color);
            boolean points = i % 2 == 1;
            renderer.setSeriesLinesVisible(i, !points);
            renderer.setSeriesShapesVisible(i, points);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
        }
        plot.setRenderer(renderer);
        shadeRegimes(plot, rows);
        return png(chart);
    }

    private static Map<String, ToDoubleFunction<StudyReport.PlrRow>> geometry(
            List<StudyReport.PlrRow> rows, ToDoubleFunction<StudyReport.PairGeometry> value) {
        Map<String, ToDoubleFunction<StudyReport.PlrRow>> series = new LinkedHashMap<>();
        for (int g = 0; g < rows.get(0).geometry().size(); g++) {
            int gi = g;
            series.put(rows.get(0).geometry().get(g).pair(), row -> value.applyAsDouble(row.geometry().get(gi)));
        }
        return series;
    }

    /** Medians against PLR, one line per pair, with the quartiles of each shaded. */
    private static byte[] band(String title, String yLabel, List<StudyReport.PlrRow> rows,
                               ToDoubleFunction<StudyReport.PairGeometry> median,
                               ToDoubleFunction<StudyReport.PairGeometry> iqrOf) throws IOException {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        boolean train = title.startsWith("Train");
        for (int g = 0; g < rows.get(0).geometry().size(); g++) {
            YIntervalSeries s = new YIntervalSeries(rows.get(0).geometry().get(g).pair());
            for (var row : rows) {
                StudyReport.PairGeometry p = row.geometry().get(g);
                double[] q = train ? p.barrierTrainQuartiles() : p.barrierTestQuartiles();
                s.add(row.plr(), median.applyAsDouble(p), q[0], q[1]);
            }
            data.addSeries(s);
        }
        JFreeChart chart = againstPlr(title, yLabel, data);
        XYPlot plot = chart.getXYPlot();
        DeviationRenderer renderer = new DeviationRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesFillPaint(i, Color.getHSBColor(i / 3f, 0.6f, 0.9f));
            renderer.setSeriesPaint(i, Color.getHSBColor(i / 3f, 0.8f, 0.7f));
        }
        renderer.setAlpha(0.2f);
        plot.setRenderer(renderer);
        shadeRegimes(plot, rows);
        return png(chart);
    }

    /** The weight-norm histogram of every PLR as a line over log10(‖W[i]‖/ρ), as fractions of its filters. */
    private static byte[] histograms(List<StudyReport.PlrRow> rows) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (var row : rows) {
            StudyReport.Histogram h = row.weightNorms();
            long total = Arrays.stream(h.counts()).sum();
            XYSeries s = new XYSeries("PLR " + row.plr() + " (" + row.regime() + ")", false, true);
            for (int i = 0; i < h.counts().length; i++) {
                s.add((h.edges()[i] + h.edges()[i + 1]) / 2, total == 0 ? 0 : (double) h.counts()[i] / total);
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Norms of filters and neurons at the pre-trained point",
                "log10(‖W[i]‖ / ρ)", "fraction of filters", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        style(plot);
        plot.setRenderer(rainbow(data.getSeriesCount()));
        return png(chart);
    }

    /** One line per PLR of a curve against its index (epochs from {@code firstX}, or 21 α from 0 to 1). */
    private static byte[] curves(String title, String xLabel, String yLabel, List<StudyReport.PlrRow> rows,
                                 Function<StudyReport.PlrRow, double[]> curve, int firstX, boolean logY)
            throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        boolean positive = true;
        for (var row : rows) {
            double[] v = curve.apply(row);
            XYSeries s = new XYSeries("PLR " + row.plr() + " (" + row.regime() + ")", false, true);
            for (int i = 0; i < v.length; i++) {
                double x = firstX > 0 ? i + firstX : (double) i / Math.max(1, v.length - 1);
                s.add(x, v[i]);
                positive &= v[i] > 0;
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true,
                false, false);
        XYPlot plot = chart.getXYPlot();
        if (logY && positive) {
            LogAxis y = new LogAxis(yLabel);
            y.setBase(10);
            y.setSmallestValue(1e-12);
            y.setNumberFormatOverride(new DecimalFormat("0.##E0"));
            plot.setRangeAxis(y);
        }
        style(plot);
        plot.setRenderer(rainbow(data.getSeriesCount()));
        return png(chart);
    }

    /** Lines without markers from blue (the smallest PLR) to red (the largest). */
    private static XYLineAndShapeRenderer rainbow(int series) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < series; i++) {
            renderer.setSeriesStroke(i, new BasicStroke(1.5f));
            renderer.setSeriesPaint(i, Color.getHSBColor(0.66f * (1 - (float) i / Math.max(1, series - 1)), 0.85f,
                    0.8f));
        }
        return renderer;
    }

    /** A line chart of {@code data} against the PLR on a log axis. */
    private static JFreeChart againstPlr(String title, String yLabel, XYDataset data) {
        JFreeChart chart = ChartFactory.createXYLineChart(title, "PLR (effective learning rate)", yLabel, data,
                PlotOrientation.VERTICAL, true, false, false);
        chart.getXYPlot().setDomainAxis(plrAxis());
        style(chart.getXYPlot());
        return chart;
    }

    private static LogAxis plrAxis() {
        LogAxis x = new LogAxis("PLR (effective learning rate)");
        x.setBase(10);
        x.setSmallestValue(1e-12);
        x.setTickUnit(new NumberTickUnit(1.0));
        x.setNumberFormatOverride(new DecimalFormat("0.##E0"));
        return x;
    }

    private static void style(XYPlot plot) {
        if (plot.getRangeAxis() instanceof NumberAxis n) {
            n.setAutoRangeIncludesZero(false);
        }
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    }

    private static byte[] png(JFreeChart chart) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT);
        return out.toByteArray();
    }

    /** One band per run of PLRs in the same regime, edges at the geometric midpoints between PLRs. */
    private static void shadeRegimes(XYPlot plot, List<StudyReport.PlrRow> rows) {
        int start = 0;
        for (int i = 1; i <= rows.size(); i++) {
            if (i == rows.size() || !rows.get(i).regime().equals(rows.get(start).regime())) {
                double lo = start == 0 ? rows.get(0).plr() / 1.5 : Math.sqrt(rows.get(start - 1).plr() * rows.get(start).plr());
                double hi = i == rows.size() ? rows.get(i - 1).plr() * 1.5 : Math.sqrt(rows.get(i - 1).plr() * rows.get(i).plr());
                String regime = rows.get(start).regime();
                IntervalMarker band = new IntervalMarker(lo, hi, REGIME_COLORS.getOrDefault(regime, Color.LIGHT_GRAY));
                band.setLabel(regime);
                band.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
                band.setLabelAnchor(RectangleAnchor.TOP);
                band.setLabelTextAnchor(TextAnchor.TOP_CENTER);
                plot.addDomainMarker(band, Layer.BACKGROUND);
                start = i;
            }
        }
    }
}
