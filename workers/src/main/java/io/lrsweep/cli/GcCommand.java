package io.lrsweep.cli;

import io.lrsweep.stages.Retention;
import io.lrsweep.storage.ArtifactStore;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lrsweep gc STUDY}: removes what a finished study no longer needs. */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = "Remove what a finished study no longer needs: objects no manifest lists (resume checkpoints,"
                + " leftovers of failed attempts) and, with --prune-window, the SWA window checkpoints.")
final class GcCommand implements Callable<Integer> {
    @Mixin
    Options.Store store = new Options.Store();

    @Parameters(paramLabel = "STUDY", description = "study id")
    String studyId;

    @Option(names = "--dry-run", description = "only list what would be removed")
    boolean dryRun;

    @Option(names = "--prune-window", description = "also remove the SWA window checkpoints except the pre-trained"
            + " point (an averaging stage that needs them again recomputes them)")
    boolean pruneWindow;

    @Override
    public Integer call() throws Exception {
        collect(store.open(), studyId, pruneWindow, dryRun);
        return 0;
    }

    static void collect(ArtifactStore s, String studyId, boolean pruneWindow, boolean dryRun) throws Exception {
        List<Retention.Removal> plan = Retention.plan(s, studyId, pruneWindow);
        long bytes = plan.stream().mapToLong(Retention.Removal::bytes).sum();
        for (Retention.Removal r : plan) {
            System.out.printf("%s %s (%d bytes, %s)%n", dryRun ? "would remove" : "removing", r.key(), r.bytes(), r.why());
        }
        if (!dryRun) {
            Retention.apply(s, plan);
        }
        System.out.printf("%s %d objects, %.1f MiB in %s%n", dryRun ? "Would free" : "Freed", plan.size(),
                bytes / 1048576.0, s.describe());
    }
}
