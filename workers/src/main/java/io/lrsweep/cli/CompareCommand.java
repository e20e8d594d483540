package io.lrsweep.cli;

import io.lrsweep.storage.ArtifactStore;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code lrsweep compare A B}: two studies' findings and per-PLR accuracies side by side. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare two studies of a store: their summaries (threshold, 2A band, best fine-tuning and SWA),"
                + " then per PLR (the union of both grids) the regime and the seed-mean test accuracy pre-trained,"
                + " best fine-tuned and best averaged; blank where a study lacks that PLR.")
final class CompareCommand implements Callable<Integer> {
    private static final String SUMMARY = "%-16s %-40s %s%n";
    private static final String PER_PLR = "%-10s | %-6s %7s %7s %7s | %-6s %7s %7s %7s%n";

    @Mixin
    Options.Store store = new Options.Store();

    @Parameters(index = "0", paramLabel = "A", description = "study id")
    String a;

    @Parameters(index = "1", paramLabel = "B", description = "study id")
    String b;

    @Override
    public Integer call() throws Exception {
        ArtifactStore s = store.open();
        System.out.print(compare(StudySummary.read(s, a), StudySummary.read(s, b)));
        return 0;
    }

    static String compare(StudySummary a, StudySummary b) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(SUMMARY, "", "A " + a.id(), "B " + b.id()));
        for (Map.Entry<String, List<String>> row : List.of(
                Map.entry("preset", List.of(a.preset(), b.preset())),
                Map.entry("status", List.of(a.status(), b.status())),
                Map.entry("started (UTC)", List.of(ListCommand.when(a.started()), ListCommand.when(b.started()))),
                Map.entry("branches", List.of(String.valueOf(a.branches()), String.valueOf(b.branches()))),
                Map.entry("threshold PLR", List.of(threshold(a), threshold(b))),
                Map.entry("2A band", List.of(band(a), band(b))),
                Map.entry("best FT", List.of(ListCommand.best(a.bestFinetune()), ListCommand.best(b.bestFinetune()))),
                Map.entry("best SWA", List.of(ListCommand.best(a.bestAverage()), ListCommand.best(b.bestAverage()))))) {
            out.append(String.format(SUMMARY, row.getKey(), row.getValue().get(0), row.getValue().get(1)));
        }
        out.append(System.lineSeparator()).append("test accuracy per PLR (seed means): pre-trained, best fine-tuned,"
                + " best SWA").append(System.lineSeparator());
        out.append(String.format(PER_PLR, "PLR", "A", "pre", "FT", "SWA", "B", "pre", "FT", "SWA"));
        Map<Double, StudySummary.PlrAccuracies> ra = a.perPlr();
        Map<Double, StudySummary.PlrAccuracies> rb = b.perPlr();
        TreeSet<Double> plrs = new TreeSet<>(ra.keySet());
        plrs.addAll(rb.keySet());
        for (double plr : plrs) {
            StudySummary.PlrAccuracies x = ra.get(plr);
            StudySummary.PlrAccuracies y = rb.get(plr);
            // No trailing blanks where B lacks the PLR.
            out.append(String.format(PER_PLR, plr(plr), x == null ? "" : x.regime(), acc(x, PRE), acc(x, FT),
                    acc(x, SWA), y == null ? "" : y.regime(), acc(y, PRE), acc(y, FT), acc(y, SWA)).stripTrailing())
                    .append(System.lineSeparator());
        }
        return out.toString();
    }

    private static String threshold(StudySummary s) {
        return s.results() == null ? "" : s.threshold().map(CompareCommand::plr).orElse("none");
    }

    private static String band(StudySummary s) {
        return s.results() == null ? "" : s.band2a().map(b -> b.stream().map(CompareCommand::plr).toList().toString())
                .orElse("none");
    }

    private static final Function<StudySummary.PlrAccuracies, OptionalDouble> PRE = StudySummary.PlrAccuracies::pretrain;
    private static final Function<StudySummary.PlrAccuracies, OptionalDouble> FT = StudySummary.PlrAccuracies::finetune;
    private static final Function<StudySummary.PlrAccuracies, OptionalDouble> SWA = StudySummary.PlrAccuracies::average;

    /** One accuracy of a row, blank where the study lacks the PLR or the value. */
    private static String acc(StudySummary.PlrAccuracies row, Function<StudySummary.PlrAccuracies, OptionalDouble> which) {
        OptionalDouble v = row == null ? OptionalDouble.empty() : which.apply(row);
        return v.isPresent() ? String.format("%.4f", v.getAsDouble()) : "";
    }

    /** A learning rate as written in the presets: 0.01, 1e-4, 0.0133. */
    static String plr(double plr) {
        String plain = BigDecimal.valueOf(plr).stripTrailingZeros().toPlainString();
        return plain.length() <= 7 ? plain : String.format("%.3g", plr);
    }
}
