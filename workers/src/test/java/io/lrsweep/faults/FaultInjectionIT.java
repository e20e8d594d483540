package io.lrsweep.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lrsweep.SecretScan;
import io.lrsweep.stages.StudyLayout;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.ArtifactStores;
import io.lrsweep.storage.FileSystemArtifactStore;
import io.lrsweep.storage.S3ProxyServer;
import io.lrsweep.storage.S3Settings;
import io.lrsweep.tasks.StudyCompletion;
import io.lrsweep.tasks.StudyProgress;
import io.lrsweep.tasks.TaskType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Faults injected into a running study, with the real Conductor server jar, a real S3 server
 * (S3Proxy), and real {@code lrsweep worker} processes stopped with real signals. Each scenario
 * polls its own task domain, so the scenarios cannot take each other's tasks, and ends by
 * comparing the study's results.json with a clean run's and verifying every manifest's objects.
 * Scenarios tagged "slow" wait out a timeout or an outage by design (a minute each).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultInjectionIT {
    private static final Duration STUDY_TIMEOUT = Duration.ofMinutes(6);
    private FaultLab lab;
    private S3ProxyServer s3;

    @BeforeAll
    void start() throws Exception {
        lab = new FaultLab("faults");
        s3 = S3ProxyServer.start(lab.home.resolve("s3"));
    }

    @AfterAll
    void stop() throws Exception {
        if (lab != null) {
            lab.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    private FileSystemArtifactStore fsStore(String name) throws Exception {
        return new FileSystemArtifactStore(lab.home.resolve("store-" + name));
    }

    private String start(Map<String, Object> input, String domain) throws Exception {
        return lab.api.startStudy(input, Map.of("*", domain));
    }

    private StudyProgress completed(String id) throws Exception {
        StudyProgress p = StudyCompletion.await(lab.api, id, STUDY_TIMEOUT);
        assertThat(p.status()).as(id + ": " + p.reason() + " " + p.failures()).isEqualTo("COMPLETED");
        return p;
    }

    private static double seconds(long fromMs, long toMs) {
        return (toMs - fromMs) / 1000.0;
    }

    @Test
    @Tag("slow")
    void aWorkerKilledMidPretrainIsReplacedAndItsStageResumesFromTheLastCheckpoint() throws Exception {
        FileSystemArtifactStore store = fsStore("sigkill");
        String id;
        FaultLab.Running running;
        long killedAt;
        try (WorkerProcess a = lab.worker("sigkill-a", store.root().toString(), "sigkill", 1, Map.of())) {
            id = start(FaultStudy.input(null), "sigkill");
            running = FaultLab.awaitPretrainCheckpoint(store, id, Duration.ofMinutes(2));
            a.signal("KILL");
            killedAt = System.currentTimeMillis();
            assertThat(a.awaitExit(Duration.ofSeconds(30))).isEqualTo(137);
        }
        try (WorkerProcess b = lab.worker("sigkill-b", store.root().toString(), "sigkill", 1, Map.of())) {
            completed(id);
            List<JsonNode> attempts = ServerTasks.attempts(lab.api, id, TaskType.PRETRAIN, running.plr());
            assertThat(attempts.get(0).path("status").asText()).as("the killed attempt").isEqualTo("TIMED_OUT");
            ServerTasks.LogLine resumed = ServerTasks.firstLine(lab.api, attempts, "resuming from iteration")
                    .orElseThrow(() -> new AssertionError("the next attempt did not resume from a checkpoint"));
            long from = ServerTasks.numberAfter(resumed.text(), "resuming from iteration");
            // The kill came before the next resume checkpoint, so fewer than RESUME_EVERY steps were redone.
            assertThat(from).isGreaterThanOrEqualTo(running.resumeIteration()).isPositive();
            boolean watched = b.logText().contains("has had no lease extension");
            double recovery = seconds(killedAt, resumed.at());
            // Before leases and the stale-lease watch, a killed worker's task waited 300 s and more.
            assertThat(recovery).as("seconds from the kill to the stage running again").isLessThan(180);
            lab.figure("SIGKILL mid-pretrain: the stage ran again on another worker %.1f s after the kill, resumed"
                    + " from iteration %d (the last resume checkpoint seen before the kill: %d); steps redone < %d"
                    + " (one resume interval); attempts %d; timed out by %s", recovery, from,
                    running.resumeIteration(), FaultStudy.RESUME_EVERY, attempts.size(),
                    watched ? "the stale-lease watch" : "the server's own sweep");
            StudyChecks.sameResultsAsACleanRun(store, id);
            StudyChecks.everyManifestVerifies(store, id);
        }
    }

    @Test
    void aWorkerStoppedWithSigtermHandsItsStageBackAndAnotherContinuesWithoutRedoingAStep() throws Exception {
        FileSystemArtifactStore store = fsStore("sigterm");
        String storeArg = store.root().toString();
        try (WorkerProcess a = lab.worker("sigterm-a", storeArg, "sigterm", 1, Map.of(), "--grace", "10")) {
            String id = start(FaultStudy.input(null), "sigterm");
            FaultLab.Running running = FaultLab.awaitPretrainCheckpoint(store, id, Duration.ofMinutes(2));
            try (WorkerProcess b = lab.worker("sigterm-b", storeArg, "sigterm", 2, Map.of())) {
                long termAt = System.currentTimeMillis();
                a.signal("TERM");
                int exit = a.awaitExit(Duration.ofSeconds(20));
                long exitedAt = System.currentTimeMillis();
                assertThat(exit).as(a.tail()).isZero();
                assertThat(a.logText()).contains("handed back: stopped on request at iteration");
                completed(id);
                List<JsonNode> attempts = ServerTasks.attempts(lab.api, id, TaskType.PRETRAIN, running.plr());
                assertThat(attempts).as("handed back, not failed: the same task went on").hasSize(1);
                ServerTasks.LogLine handedBack = ServerTasks.firstLine(lab.api, attempts, "handed back").orElseThrow();
                ServerTasks.LogLine resumed = ServerTasks.firstLine(lab.api, attempts, "resuming from iteration")
                        .orElseThrow();
                long stoppedAt = ServerTasks.numberAfter(handedBack.text(), "at iteration");
                long from = ServerTasks.numberAfter(resumed.text(), "resuming from iteration");
                assertThat(from).as("steps redone: none").isEqualTo(stoppedAt);
                assertThat(attempts.get(0).path("retryCount").asInt()).as("no retry used").isZero();
                lab.figure("SIGTERM mid-pretrain: worker exited %.1f s after the signal (grace 10 s); the stage ran on"
                        + " the other worker %.1f s after the signal, from iteration %d, where it stopped: 0 steps"
                        + " redone", seconds(termAt, exitedAt), seconds(termAt, resumed.at()), from);
                StudyChecks.sameResultsAsACleanRun(store, id);
                StudyChecks.everyManifestVerifies(store, id);
            }
        }
    }

    @ParameterizedTest(name = "store {0}")
    @ValueSource(strings = {"fs", "s3"})
    void theSameStagesRunTwiceAtOnceByTwoWorkersLeaveWholeManifests(String kind) throws Exception {
        String studyId = "duplicate-" + kind;
        String storeArg = kind.equals("fs") ? fsStore("duplicate").root().toString() : "s3://lrsweep-faults/dup";
        Map<String, String> env = kind.equals("fs") ? Map.of() : s3.env();
        ArtifactStore store = ArtifactStores.open(storeArg, s3.env());
        // Two studies with one study id write the same keys: each worker runs both pre-trainings at
        // once, so the two workers run every stage of the same branch at the same time.
        try (WorkerProcess a = lab.worker("dup-" + kind + "-a", storeArg, "dupa-" + kind, 2, env);
             WorkerProcess b = lab.worker("dup-" + kind + "-b", storeArg, "dupb-" + kind, 2, env)) {
            String first = start(FaultStudy.input(studyId), "dupa-" + kind);
            String second = start(FaultStudy.input(studyId), "dupb-" + kind);
            completed(first);
            completed(second);
            int overlapping = 0;
            for (double plr : FaultStudy.PLRS) {
                JsonNode x = last(ServerTasks.attempts(lab.api, first, TaskType.PRETRAIN, plr));
                JsonNode y = last(ServerTasks.attempts(lab.api, second, TaskType.PRETRAIN, plr));
                boolean bothComputed = ServerTasks.outcome(x, TaskType.PRETRAIN).equals("completed")
                        && ServerTasks.outcome(y, TaskType.PRETRAIN).equals("completed");
                boolean atOnce = x.path("startTime").asLong() < y.path("endTime").asLong()
                        && y.path("startTime").asLong() < x.path("endTime").asLong();
                if (bothComputed && atOnce) {
                    overlapping++;
                }
            }
            assertThat(overlapping).as("pre-trainings computed by both workers at the same time").isPositive();
            lab.figure("duplicate delivery (%s): %d of %d pre-trainings computed twice at once; both studies"
                    + " completed", kind, overlapping, FaultStudy.PLRS.size());
            StudyChecks.sameResultsAsACleanRun(store, studyId);
            StudyChecks.everyManifestVerifies(store, studyId);
            if (kind.equals("s3")) {
                scanForTheSecret(store, studyId, List.of(first, second), a, b);
            }
        }
    }

    private static JsonNode last(List<JsonNode> attempts) {
        assertThat(attempts).isNotEmpty();
        return attempts.get(attempts.size() - 1);
    }

    @Test
    @Tag("slow")
    void anObjectStoreAwayForAMinuteDelaysTheStudyWithoutFailingIt() throws Exception {
        // The production retry settings, not the quick ones other S3 tests use.
        Map<String, String> env = new HashMap<>(s3.env());
        env.remove(S3Settings.MAX_ATTEMPTS);
        env.remove(S3Settings.RETRY_INITIAL_MS);
        env.remove(S3Settings.RETRY_MAX_MS);
        String storeArg = "s3://lrsweep-faults/outage";
        ArtifactStore store = ArtifactStores.open(storeArg, s3.env());
        try (WorkerProcess a = lab.worker("s3-outage", storeArg, "s3outage", 1, env)) {
            String id = start(FaultStudy.input(null), "s3outage");
            FaultLab.awaitPretrainCheckpoint(store, id, Duration.ofMinutes(2));
            s3.stop();
            long stoppedAt = System.currentTimeMillis();
            Thread.sleep(60_000);
            s3.restart();
            long backAt = System.currentTimeMillis();
            completed(id);
            long doneAt = System.currentTimeMillis();
            long failedAttempts = ServerTasks.all(lab.api, id).stream()
                    .filter(t -> t.path("status").asText().startsWith("FAILED")).count();
            assertThat(failedAttempts).as("stages waited for the store instead of failing").isZero();
            lab.figure("S3 away for %.0f s mid-pretrain: 0 failed attempts, study completed %.1f s after the store came"
                    + " back", seconds(stoppedAt, backAt), seconds(backAt, doneAt));
            StudyChecks.sameResultsAsACleanRun(store, id);
            StudyChecks.everyManifestVerifies(store, id);
            scanForTheSecret(store, id, List.of(id), a);
        }
    }

    @Test
    void aFullStoreFailsTheStudyNamingTheStoreAndResumeCompletesItOnceSpaceIsFree() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(lab.home.resolve("small-disk"), 8 * 1024)) {
            FileSystemArtifactStore store = new FileSystemArtifactStore(disk.path().resolve("store"));
            Path ballast = disk.fillLeaving(48);
            try (WorkerProcess a = lab.worker("full", store.root().toString(), "full", 1, Map.of())) {
                String id = start(FaultStudy.input(null), "full");
                StudyProgress failed = StudyCompletion.await(lab.api, id, STUDY_TIMEOUT);
                assertThat(failed.status()).isEqualTo("FAILED");
                JsonNode full = ServerTasks.all(lab.api, id).stream()
                        .filter(t -> t.path("status").asText().equals("FAILED_WITH_TERMINAL_ERROR")).findFirst()
                        .orElseThrow(() -> new AssertionError("no stage ended with a terminal error: " + failed.failures()));
                assertThat(full.path("reasonForIncompletion").asText()).contains(store.describe()).contains("is full")
                        .contains("KiB free").contains("lrsweep resume");
                assertThat(full.path("retryCount").asInt()).as("no retries wasted on a full disk").isZero();
                try (var incoming = java.nio.file.Files.list(store.root().resolve(".incoming"))) {
                    assertThat(incoming.toList()).as("no half-written object left").isEmpty();
                }
                java.nio.file.Files.delete(ballast);
                long freedAt = System.currentTimeMillis();
                assertThat(lab.cli("resume-full", Map.of(), "resume", id, "--conductor", lab.conductor.url())).isZero();
                completed(id);
                lab.figure("full store: the study failed with the store and its free space named (%s); after freeing"
                        + " space, lrsweep resume completed it in %.1f s", full.path("taskDefName").asText(),
                        seconds(freedAt, System.currentTimeMillis()));
                StudyChecks.sameResultsAsACleanRun(store, id);
                StudyChecks.everyManifestVerifies(store, id);
            }
        }
    }

    @Test
    void aCorruptedCheckpointManifestAndResumeCheckpointAreNamedAndRecomputed() throws Exception {
        FileSystemArtifactStore store = fsStore("corrupt");
        String studyId = "corrupt";
        try (WorkerProcess a = lab.worker("corrupt", store.root().toString(), "corrupt", 1, Map.of())) {
            completed(start(FaultStudy.input(studyId), "corrupt"));
            double plrA = FaultStudy.PLRS.get(0);
            double plrB = FaultStudy.PLRS.get(1);
            // A bit flipped in the pre-trained point of branch A.
            Path point = store.pathOf(StudyLayout.pretrain(studyId, plrA, 0) + "/"
                    + String.format("iter-%09d.ckpt", FaultStudy.PRETRAIN_ITERATIONS));
            byte[] bytes = java.nio.file.Files.readAllBytes(point);
            bytes[bytes.length / 2] ^= 0x10;
            java.nio.file.Files.write(point, bytes);
            // A fine-tuning of branch A that never finished and left half a resume checkpoint.
            String unfinished = StudyLayout.finetune(studyId, plrA, 0, FaultStudy.HIGH_FLR);
            store.delete(unfinished + "/MANIFEST.json");
            store.put(unfinished + "/resume.ckpt", java.util.Arrays.copyOf(bytes, 100));
            // A truncated manifest in branch B, and a truncated result that the report reads.
            String manifest = StudyLayout.finetune(studyId, plrB, 0, FaultStudy.LOW_FLR) + "/MANIFEST.json";
            byte[] m = store.get(manifest);
            store.put(manifest, java.util.Arrays.copyOf(m, m.length / 2));
            String results = StudyLayout.analyze(studyId, plrB, 0) + "/results.json";
            byte[] r = store.get(results);
            store.put(results, java.util.Arrays.copyOf(r, r.length - 10));

            String again = start(FaultStudy.input(studyId), "corrupt");
            completed(again);
            List<JsonNode> tasks = ServerTasks.all(lab.api, again);
            assertThat(ServerTasks.firstLine(lab.api, tasks, point.getFileName() + " is corrupt")).as("the flipped bit")
                    .hasValueSatisfying(l -> assertThat(l.text()).contains("recomputing pretrain"));
            assertThat(ServerTasks.firstLine(lab.api, tasks, unfinished + "/resume.ckpt")).as("half a resume checkpoint")
                    .hasValueSatisfying(l -> assertThat(l.text()).contains("unreadable").contains("starting over"));
            assertThat(ServerTasks.firstLine(lab.api, tasks, results + " is corrupt")).as("the truncated result")
                    .hasValueSatisfying(l -> assertThat(l.text()).contains("recomputing analyze"));
            assertThat(a.logText()).as("the truncated manifest").contains(manifest + " cannot be read");
            lab.figure("corruption: a flipped bit in a checkpoint, half a resume checkpoint, a truncated manifest and a"
                    + " truncated result were each named and recomputed by a second run of the study");
            StudyChecks.sameResultsAsACleanRun(store, studyId);
            StudyChecks.everyManifestVerifies(store, studyId);
        }
    }

    /** No trace of the S3 secret in the worker logs, the server, the study's objects or a metrics scrape. */
    private void scanForTheSecret(ArtifactStore store, String studyId, List<String> workflows, WorkerProcess... workers)
            throws Exception {
        SecretScan scan = new SecretScan(S3ProxyServer.SECRET_KEY);
        for (WorkerProcess w : workers) {
            scan.text("metrics of " + w.name(), w.scrape()).file(w.log());
        }
        scan.file(lab.conductor.logFile());
        for (String id : workflows) {
            scan.workflow(lab.api, id);
        }
        scan.objects(store, "studies/" + studyId + "/");
        assertThat(scan.places()).isGreaterThan(20);
    }
}
