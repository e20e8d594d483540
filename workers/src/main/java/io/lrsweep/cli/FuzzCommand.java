package io.lrsweep.cli;

import io.lrsweep.tasks.StudyProgress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrsweep fuzz}: generated bad study inputs through {@code lrsweep submit} and straight into
 * a fresh local Conductor with the workers running; every one must be refused naming its field,
 * the workers must still run a good study afterwards, and nothing may be written.
 */
@Command(name = "fuzz", mixinStandardHelpOptions = true,
        description = "Send generated bad study inputs (wrong types, NaN/Infinity, huge and negative numbers,"
                + " enormous arrays, unknown fields, path tricks in studyId, deep nesting, ...) through lrsweep submit"
                + " and into a fresh local Conductor; print what was not refused as it must be. Exits 1 if any.")
final class FuzzCommand implements Callable<Integer> {
    @Option(names = "--cases", defaultValue = "1000", description = "how many inputs (default ${DEFAULT-VALUE})")
    int cases;

    @Option(names = "--seed", defaultValue = "14", description = "generator seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--timeout-minutes", defaultValue = "30", description = "give up after (default ${DEFAULT-VALUE})")
    int timeoutMinutes;

    @Override
    public Integer call() throws Exception {
        List<BadStudyInputs.Case> inputs = BadStudyInputs.generate(seed, cases);
        try (ScratchConductor lab = ScratchConductor.start("fuzz", 2, System.out)) {
            Report report = run(inputs, lab, timeoutMinutes * 60_000L);
            report.print();
            return report.clean() ? 0 : 1;
        }
    }

    /** What a fuzz run found: verdicts of both ways in, whether the workers survived, what was written. */
    record Report(List<InputFuzz.Verdict> verdicts, String afterwards, List<String> written) {
        boolean clean() {
            return verdicts.stream().allMatch(InputFuzz.Verdict::ok) && afterwards.equals("COMPLETED")
                    && written.isEmpty();
        }

        List<InputFuzz.Verdict> problems() {
            return verdicts.stream().filter(v -> !v.ok()).toList();
        }

        void print() {
            Map<String, int[]> byKind = new TreeMap<>();
            for (InputFuzz.Verdict v : verdicts) {
                int[] n = byKind.computeIfAbsent(v.input().kind() + " via " + v.how(), k -> new int[2]);
                n[v.ok() ? 0 : 1]++;
            }
            byKind.forEach((k, n) -> System.out.printf("%-45s %4d refused as they must be, %d not%n", k, n[0], n[1]));
            problems().forEach(v -> System.out.println("NOT REFUSED AS IT MUST BE via " + v.how() + ": "
                    + v.problem().orElse("") + "\n    input " + v.input()));
            System.out.println("a good study afterwards: " + afterwards);
            System.out.println(written.isEmpty() ? "nothing was written by the refused inputs"
                    : "written although every input was refused: " + written);
        }
    }

    /** Sends every input both ways, then a good study through the same workers, then looks at the disk. */
    static Report run(List<BadStudyInputs.Case> inputs, ScratchConductor lab, long timeoutMillis) throws Exception {
        List<InputFuzz.Verdict> verdicts = new ArrayList<>();
        for (BadStudyInputs.Case c : inputs) {
            InputFuzz.viaSubmit(c).ifPresent(verdicts::add);
        }
        verdicts.addAll(InputFuzz.viaConductor(inputs, lab.api, timeoutMillis));
        List<String> written = lab.store.list("");
        // Path tricks would land beside the store: only the server's and the store's directories may be there.
        Set<String> expected = Set.of("conductor", "store", "workers.log");
        try (Stream<Path> beside = Files.list(lab.home)) {
            beside.map(p -> p.getFileName().toString()).filter(n -> !expected.contains(n))
                    .forEach(n -> written.add(lab.home.resolve(n).toString()));
        }
        String id = lab.api.startStudy(Map.of("preset", "synthetic-quick", "overrides", Map.of("plrs", List.of(1e-3),
                "seeds", 1, "pretrainIterations", 1000, "finetuneIterations", 200, "swaKs", List.of(2), "geometryK", 2,
                "testSize", 100, "singleFeatureSize", 50)), Map.of());
        long deadline = System.currentTimeMillis() + timeoutMillis;
        String status = lab.api.workflowSummary(id).path("status").asText();
        while (status.equals("RUNNING") && System.currentTimeMillis() < deadline) {
            Thread.sleep(500);
            status = lab.api.workflowSummary(id).path("status").asText();
        }
        if (!status.equals("COMPLETED")) {
            status += " " + StudyProgress.of(lab.api, id).failures();
        }
        return new Report(verdicts, status, written);
    }
}
