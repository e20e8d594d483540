package io.lrsweep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lrsweep.tasks.ConductorApi;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lrsweep bench load}: a paper-scale fan-out of tiny stages through a fresh local Conductor
 * (SQLite, its own data directory and free port) with the workers in this process, as the demo
 * runs them. Prints throughput, queueing delay, the server's peak memory and CPU, and whether the
 * study finished; asserts nothing.
 */
@Command(name = "load", mixinStandardHelpOptions = true,
        description = "Run a paper-scale study with tiny stages (synthetic-paper, iterations cut) through a fresh local"
                + " Conductor and print tasks/s end to end, p50/p99 from scheduled to started, the server's peak RSS"
                + " and CPU, and whether it finished.")
final class BenchLoadCommand implements Callable<Integer> {
    @Option(names = "--scale", defaultValue = "1",
            description = "size in paper studies: seeds = 50 x scale, 23 PLRs (default ${DEFAULT-VALUE}: 1,150 branches)")
    int scale;

    @Option(names = "--seeds", defaultValue = "0",
            description = "seeds per PLR instead of 50 x scale (e.g. 10: 230 branches, the size of the reported failure)")
    int seeds;

    @Option(names = "--iterations", defaultValue = "300",
            description = "pre-training and fine-tuning iterations per stage (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--parallel", defaultValue = "0", description = "compute slots of the workers (default: cores)")
    int parallel;

    @Option(names = "--timeout-minutes", defaultValue = "180", description = "give up after (default ${DEFAULT-VALUE})")
    int timeoutMinutes;

    @Option(names = "--keep", description = "keep the server's data and the store (printed) instead of deleting them")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        if (scale < 1 || iterations < 60) {
            throw new IllegalArgumentException("--scale must be at least 1 and --iterations at least 60 (the SWA"
                    + " window of 50 checkpoints must fit in the pre-training)");
        }
        int seedsPerPlr = seeds > 0 ? seeds : 50 * scale;
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put("seeds", seedsPerPlr);
        overrides.put("pretrainIterations", iterations);
        overrides.put("finetuneIterations", iterations);
        overrides.put("checkpointEvery", Math.max(1, iterations / 60));
        overrides.put("testSize", 200);
        overrides.put("singleFeatureSize", 100);
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("preset", "synthetic-paper");
        input.put("overrides", overrides);
        int slots = parallel > 0 ? parallel : Runtime.getRuntime().availableProcessors();
        String status;
        double seconds;
        String id;
        try (ScratchConductor lab = ScratchConductor.start("bench-load", slots, System.out)) {
            if (keep) {
                lab.keep();
            }
            ProcessSampler sampler = new ProcessSampler(lab.serverProcess().pid()).start();
            long started = System.nanoTime();
            id = lab.api.startStudy(input, Map.of());
            System.out.printf("study %s: %d branches of tiny stages (%d iterations), %d compute slots; worker log %s%n",
                    id, 23 * seedsPerPlr, iterations, slots, lab.home.resolve("workers.log"));
            status = awaitEnd(lab.api, id, started, started + timeoutMinutes * 60_000_000_000L);
            seconds = (System.nanoTime() - started) / 1e9;
            sampler.stop();
            Waits waits = waits(lab.api, id);
            long busy = Files.readAllLines(lab.server.logFile()).stream().filter(l -> l.contains("SQLITE_BUSY")).count();
            System.out.printf("study            %s %s in %.1f s (%d tasks, %d of them worker tasks)%n", id, status,
                    seconds, waits.tasks(), waits.workerWaits().size());
            System.out.printf("throughput       %.1f tasks/s end to end (%.1f worker tasks/s)%n", waits.tasks() / seconds,
                    waits.workerWaits().size() / seconds);
            System.out.printf("scheduled->started  p50 %.2f s, p99 %.2f s, max %.2f s (worker tasks)%n",
                    percentile(waits.workerWaits(), 0.5), percentile(waits.workerWaits(), 0.99),
                    percentile(waits.workerWaits(), 1.0));
            System.out.printf("server           peak RSS %.0f MiB, CPU %.2f cores on average (%.0f s of CPU); SQLITE_BUSY"
                    + " in its log: %d%n", sampler.peakRssMib(), sampler.cpuSeconds() / seconds, sampler.cpuSeconds(), busy);
            System.out.printf("load average     %s (other processes on the machine count too)%n",
                    Files.readString(Path.of("/proc/loadavg")).trim());
        }
        return status.equals("COMPLETED") ? 0 : 1;
    }

    private static String awaitEnd(ConductorApi api, String id, long started, long deadline) throws Exception {
        long lastLine = 0;
        while (true) {
            JsonNode wf = api.workflowSummary(id);
            String status = wf.path("status").asText();
            if (!status.equals("RUNNING") && !status.equals("PAUSED")) {
                if (!status.equals("COMPLETED")) {
                    System.out.println("study ended " + status + ": " + wf.path("reasonForIncompletion").asText());
                }
                return status;
            }
            long now = System.nanoTime();
            if (now > deadline) {
                return "RUNNING (gave up waiting)";
            }
            if (now - lastLine > 30e9) {
                System.out.printf("  %.0f s: %s%n", (now - started) / 1e9, status);
                lastLine = now;
            }
            Thread.sleep(2000);
        }
    }

    /** Every task of the study and its branches; worker tasks' waits from scheduled to started, seconds. */
    record Waits(int tasks, List<Double> workerWaits) {
    }

    private static Waits waits(ConductorApi api, String id) throws IOException {
        List<Double> waits = new ArrayList<>();
        int tasks = 0;
        List<String> workflows = new ArrayList<>(List.of(id));
        for (int i = 0; i < workflows.size(); i++) {
            for (JsonNode t : api.workflowTree(workflows.get(i), true).path("tasks")) {
                tasks++;
                if (t.hasNonNull("subWorkflowId")) {
                    workflows.add(t.path("subWorkflowId").asText());
                }
                long scheduled = t.path("scheduledTime").asLong();
                long startedAt = t.path("startTime").asLong();
                if (t.path("taskType").asText().startsWith("lrsweep_") && scheduled > 0 && startedAt >= scheduled) {
                    waits.add((startedAt - scheduled) / 1000.0);
                }
            }
        }
        waits.sort(Double::compare);
        return new Waits(tasks, waits);
    }

    static double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

}
