package io.lrsweep.report;

import io.lrsweep.study.Features;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.text.DecimalFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

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

    /** All figures of a report, by file name. */
    public static Map<String, byte[]> all(StudyReport r) throws IOException {
        Map<String, byte[]> figures = new LinkedHashMap<>();
        List<StudyReport.PlrRow> rows = r.perPlr();
        Map<String, ToDoubleFunction<StudyReport.PlrRow>> pre = new LinkedHashMap<>();
        pre.put("pre-training", row -> row.pretrain().testAccuracy());
        figures.put("pretrain-accuracy.png", chart("Pre-training: test accuracy", "test accuracy", rows, pre));

        Map<String, ToDoubleFunction<StudyReport.PlrRow>> ft = new LinkedHashMap<>();
        for (int i = 0; i < rows.get(0).finetune().size(); i++) {
            int fi = i;
            ft.put("FT, FLR " + rows.get(0).finetune().get(i).flr(), row -> row.finetune().get(fi).testAccuracy());
        }
        ft.put("pre-training", row -> row.pretrain().testAccuracy());
        figures.put("finetune-accuracy.png", chart("Fine-tuning: test accuracy", "test accuracy", rows, ft));

        Map<String, ToDoubleFunction<StudyReport.PlrRow>> swa = new LinkedHashMap<>();
        for (int i = 0; i < rows.get(0).average().size(); i++) {
            int ai = i;
            swa.put("SWA, K=" + rows.get(0).average().get(i).k(), row -> row.average().get(ai).testAccuracy());
        }
        swa.put("pre-training", row -> row.pretrain().testAccuracy());
        figures.put("average-accuracy.png", chart("SWA: test accuracy", "test accuracy", rows, swa));

        figures.put("angles.png", chart("Angular distance between points", "angle (rad)", rows,
                geometry(rows, StudyReport.PairGeometry::angle)));
        figures.put("barriers-train.png", chart("Train error barrier", "barrier (fraction of error)", rows,
                geometry(rows, StudyReport.PairGeometry::barrierTrain)));
        figures.put("barriers-test.png", chart("Test error barrier", "barrier (fraction of error)", rows,
                geometry(rows, StudyReport.PairGeometry::barrierTest)));

        StudyReport.FeatureSummary first = rows.get(0).features();
        switch (first.values()) {
            case Features.Bands bands -> {
                Map<String, ToDoubleFunction<StudyReport.PlrRow>> series = new LinkedHashMap<>();
                for (String band : bands.accuracy().keySet()) {
                    series.put(band + " band", row -> bandsOf(row).accuracy().get(band));
                }
                figures.put("features-bands.png", chart("Test accuracy on Fourier bands (" + first.source() + ")",
                        "band-only test accuracy", rows, series));
            }
            case Features.SingleFeatures single -> {
                Map<String, ToDoubleFunction<StudyReport.PlrRow>> sorted = new LinkedHashMap<>();
                for (int f = 0; f < single.sorted().length; f++) {
                    int fi = f;
                    sorted.put("rank " + (f + 1), row -> singleOf(row).sorted()[fi]);
                }
                figures.put("features-sorted.png", chart("Sorted single-feature accuracies ("
                        + first.source() + ")", "single-feature test accuracy", rows, sorted));
                Map<String, ToDoubleFunction<StudyReport.PlrRow>> conc = new LinkedHashMap<>();
                conc.put("concentration", row -> singleOf(row).concentration());
                figures.put("features-concentration.png", chart("Feature concentration (1 = one feature, 1/16 = all"
                        + " equal)", "concentration", rows, conc));
            }
        }
        return figures;
    }

    private static Features.Bands bandsOf(StudyReport.PlrRow row) {
        return (Features.Bands) row.features().values();
    }

    private static Features.SingleFeatures singleOf(StudyReport.PlrRow row) {
        return (Features.SingleFeatures) row.features().values();
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
        JFreeChart chart = ChartFactory.createXYLineChart(title, "PLR (effective learning rate)", yLabel, data,
                PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("PLR (effective learning rate)");
        x.setBase(10);
        x.setSmallestValue(1e-12);
        x.setTickUnit(new NumberTickUnit(1.0));
        x.setNumberFormatOverride(new DecimalFormat("0.##E0"));
        plot.setDomainAxis(x);
        ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
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
