package io.lrsweep.cli;

import io.lrsweep.monitoring.WorkerIdentity;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.stages.Studies;
import io.lrsweep.stages.StudyLayout;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.study.PlannedStages;
import io.lrsweep.study.SetupKind;
import io.lrsweep.study.StudyConfig;
import io.lrsweep.study.StudyResolver;
import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.FaultSwitch;
import io.lrsweep.tasks.StageCounters;
import io.lrsweep.tasks.StudyProgress;
import io.lrsweep.tasks.WorkerHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code lrsweep demo}: the whole study on one machine — local Conductor, in-process workers,
 * live progress, the report at the end.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a whole study locally: start Conductor, run the workers in this process, submit,"
                + " show progress, write the report and print its path. Exits non-zero if the study fails.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--preset", defaultValue = "synthetic-quick", description = "preset (default ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a study field (JSON values), repeatable")
    List<String> sets;

    @Option(names = "--study-id", description = "study id (default: the workflow id)")
    String studyId;

    @Mixin
    Options.Store store = new Options.Store();

    @Option(names = "--out", description = "also copy the report into this directory")
    Path out;

    @Option(names = "--port", description = "local Conductor port (env LRSWEEP_CONDUCTOR_PORT; default ${DEFAULT-VALUE})",
            defaultValue = "${env:LRSWEEP_CONDUCTOR_PORT:-8080}")
    int port;

    @Mixin
    Options.Compute compute = new Options.Compute();

    @Option(names = "--keep-server", description = "leave the Conductor server (and Prometheus) running afterwards")
    boolean keepServer;

    @Option(names = "--gc", description = "after a completed study, remove what it no longer needs (see lrsweep gc)")
    boolean gc;

    @Mixin
    Options.Metrics metricsEndpoint = new Options.Metrics();

    @Mixin
    Options.Prometheus prometheus = new Options.Prometheus();

    @Override
    public Integer call() throws Exception {
        return run(StudyMeter.NONE);
    }

    /** The demo, with {@code meter} told when the study starts and ends (bench study measures there). */
    Integer run(StudyMeter meter) throws Exception {
        Map<String, Object> input = SubmitCommand.input(preset, sets, studyId);
        // Refused here, before any server starts, when the input is wrong.
        StudyConfig study = StudyResolver.resolve(input, "check");
        // Worker logs would drown the progress line: they go to a file (set before any logger exists).
        Path log = Options.home().resolve("demo-workers.log").toAbsolutePath();
        Files.createDirectories(log.getParent());
        System.setProperty("org.slf4j.simpleLogger.logFile", log.toString());
        long started = System.nanoTime();
        try (ComputeContext context = compute.open()) {
            if (study.kind() == SetupKind.IMAGE) {
                System.out.println("Image stages use " + context.describeDevice());
            }
            try (LocalServers servers = LocalServers.start(port, prometheus, keepServer, System.out)) {
                ConductorApi api = servers.api();
                api.registerDefinitions();
                ArtifactStore artifacts = store.open();
                try (WorkerMetrics metrics = new WorkerMetrics(WorkerIdentity.of(null));
                     AutoCloseable served = metricsEndpoint.serve(metrics, "127.0.0.1", System.out);
                     WorkerHost workers = new WorkerHost(api.apiUrl(), artifacts, context, null, new FaultSwitch(),
                             metrics).start()) {
                    meter.started(servers.conductorProcess(), context);
                    String id = api.startStudy(input, Map.of());
                    System.out.println("Study " + id + " started (preset " + preset + ", store "
                            + artifacts.describe() + "); worker log: " + log);
                    StudyProgress p = follow(api, id, workers.counters(), study, artifacts, studyId == null ? id : studyId);
                    meter.ended(workers.counters(), context);
                    return report(p, id, artifacts, (System.nanoTime() - started) / 60e9);
                }
            }
        }
    }

    /** Prints how the study ended: its summary and where the report is, or how to resume it. */
    private int report(StudyProgress p, String id, ArtifactStore artifacts, double minutes) throws Exception {
        if (!p.status().equals("COMPLETED")) {
            System.out.println("Study " + id + " ended " + p.status() + (p.reason().isEmpty() ? "" : ": " + p.reason()));
            p.failures().forEach(f -> System.out.println("  failed: " + f));
            System.out.println("Resume it with: ./lrsweep local up && ./lrsweep resume " + id
                    + " (with workers running: ./lrsweep worker)");
            return 1;
        }
        String sid = p.output().path("studyId").asText(id);
        String index = StudyLayout.report(sid) + "/index.html";
        System.out.printf("Study %s completed in %.1f min.%n", id, minutes);
        var m = p.output().path("summary");
        System.out.printf("Convergence threshold PLR %s, 2A band %s%n", m.path("thresholdPlr").asText("none"),
                m.path("band2a").isArray() ? m.path("band2a").toString() : "none");
        System.out.printf("Best test accuracy: pre-training %.4f, fine-tuning %.4f at PLR %s, SWA %.4f at PLR %s%n",
                m.path("bestPretrainTestAccuracy").asDouble(), m.path("bestFinetuneTestAccuracy").asDouble(),
                m.path("bestFinetunePlr").asText(), m.path("bestAverageTestAccuracy").asDouble(),
                m.path("bestAveragePlr").asText());
        if (gc) {
            GcCommand.collect(artifacts, sid, false, false);
        }
        if (out != null) {
            System.out.println("Report: " + ReportLocation.copy(artifacts, sid, out));
        } else if (artifacts instanceof FileSystemArtifactStore fs) {
            System.out.println("Report: " + fs.pathOf(index));
        } else {
            System.out.println("Report: " + index + " in " + artifacts.describe());
        }
        return 0;
    }

    /**
     * Shows progress every 2 s from this process's workers and the study's status alone, against the
     * stages the study plans (the baseline runs once their plan is in the store); reads the whole
     * study (every branch with its tasks) once, at the end.
     */
    private static StudyProgress follow(ConductorApi api, String id, StageCounters counters, StudyConfig study,
                                        ArtifactStore artifacts, String studyId) throws Exception {
        LiveStatus live = LiveStatus.forStandardOutput();
        PlannedStages planned = PlannedStages.of(study);
        boolean baselinesKnown = false;
        while (true) {
            if (!baselinesKnown && counters.get("baselines", "completed") + counters.get("baselines", "cached") > 0) {
                var chosen = Studies.baselinePlan(artifacts, studyId);
                if (chosen.isPresent()) {
                    int twoStage = chosen.get().twoStage() == null ? 0 : chosen.get().seeds();
                    planned = planned.withBaselines(chosen.get().converge().size(), twoStage);
                    baselinesKnown = true;
                }
            }
            StudyProgress p = StudyProgress.ofWorkers(api, id, counters, planned);
            if (p.finished()) {
                p = StudyProgress.of(api, id);
            }
            live.show(p);
            if (p.finished()) {
                return p;
            }
            Thread.sleep(2000);
        }
    }
}
