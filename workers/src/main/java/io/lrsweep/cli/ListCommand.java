package io.lrsweep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lrsweep.study.InvalidStudyException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lrsweep list}: the studies in a store, with their findings once reported. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List the studies in a store: id, preset, status (from the store: reported, or how many branches"
                + " are analysed), when it was planned (UTC), best fine-tuning and SWA test accuracy with their PLR,"
                + " and the convergence threshold.")
final class ListCommand implements Callable<Integer> {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    private static final String ROW = "%-38s %-32s %-12s %-16s %-16s %-16s %s%n";

    @Mixin
    Options.Store store = new Options.Store();

    @Override
    public Integer call() throws Exception {
        var s = store.open();
        List<StudySummary> studies = new ArrayList<>();
        List<String> unreadable = new ArrayList<>();
        for (String id : StudySummary.ids(s)) {
            try {
                studies.add(StudySummary.read(s, id));
            } catch (InvalidStudyException e) {
                // A study.json this version cannot read (an older format) should not hide the others.
                unreadable.add(id + ": " + e.getMessage());
            }
        }
        System.out.print(table(studies));
        unreadable.forEach(u -> System.out.println("unreadable: " + u));
        if (studies.isEmpty() && unreadable.isEmpty()) {
            System.out.println("no studies in " + s.describe());
        }
        return 0;
    }

    /** The table: one line per study, newest first (studies without a time last). */
    static String table(List<StudySummary> studies) {
        List<StudySummary> sorted = new ArrayList<>(studies);
        sorted.sort((a, b) -> a.started() == null || b.started() == null
                ? Boolean.compare(a.started() == null, b.started() == null) : b.started().compareTo(a.started()));
        StringBuilder out = new StringBuilder(String.format(ROW, "id", "preset", "status", "started (UTC)",
                "best FT", "best SWA", "threshold PLR"));
        for (StudySummary s : sorted) {
            out.append(String.format(ROW, s.id(), s.preset(), s.results() == null ? s.analysed() + "/" + s.branches()
                    + " analysed" : "reported", when(s.started()), best(s.bestFinetune()), best(s.bestAverage()),
                    s.results() == null ? "" : s.threshold().map(CompareCommand::plr).orElse("none")));
        }
        return out.toString();
    }

    static String when(Instant t) {
        return t == null ? "" : WHEN.format(t);
    }

    /** "0.8114 @ 0.01": the test accuracy and the PLR it was reached at. */
    static String best(Optional<JsonNode> best) {
        return best.map(b -> String.format("%.4f @ %s", b.get("test_accuracy").asDouble(),
                CompareCommand.plr(b.path("plr").asDouble()))).orElse("");
    }
}
