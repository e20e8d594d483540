package io.lrsweep.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrsweep.TinyStudy;
import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.StudyCompletion;
import io.lrsweep.tasks.StudyProgress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The CPU worker image that {@code helm/build-images.sh cpu} builds from this build's jar, run by
 * podman the way the chart runs a pod: as its non-root user, read-only root filesystem, every
 * capability dropped, no privilege escalation, writable /tmp and DJL cache only. With no network it
 * answers {@code --version}; with the host's network it registers the workflows and runs the tiny
 * synthetic study against a Conductor server on this host, the store on a mounted folder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkerImageIT {
    private static final Path HELM = Path.of(System.getProperty("lrsweep.helm.dir", "../helm")).toAbsolutePath()
            .normalize();
    // As the chart's pods: read-only root (podman then mounts a fresh /tmp, as the chart's emptyDir), the DJL
    // cache a tmpfs owned by the image's user (U=true: this podman ignores a tmpfs mode), no capabilities.
    private static final List<String> LOCKED_DOWN = List.of("--read-only", "--cap-drop=ALL",
            "--security-opt=no-new-privileges", "--mount=type=tmpfs,destination=/var/cache/djl,U=true");
    private String image;
    private Path home;
    private LocalConductor conductor;
    private final List<String> containers = new ArrayList<>();

    private record Run(int exitCode, String output) {
    }

    private static Run exec(Duration timeout, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putIfAbsent("CONTAINERS_CONF", HELM.resolve("images/containers.conf").toString());
        pb.environment().put("LRSWEEP_JAR", Path.of("target/lrsweep.jar").toAbsolutePath().toString());
        Path out = Files.createTempFile("lrsweep-image-it", ".out");
        try {
            Process p = pb.redirectOutput(out.toFile()).start();
            if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within " + timeout.toSeconds()
                        + " s; output so far:\n" + Files.readString(out));
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Run podman(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("podman"));
        cmd.addAll(List.of(args));
        return exec(Duration.ofMinutes(2), cmd);
    }

    /** Skips with the reason, or fails under CI=true, where the image must be tested. */
    private static void unavailable(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("the container runtime cannot run the worker image: " + why);
        }
        Assumptions.abort("the container runtime cannot run the worker image: " + why + "; skipping");
    }

    @BeforeAll
    void buildTheImage() throws Exception {
        Run info;
        try {
            info = podman("info", "--format", "{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}");
        } catch (IOException e) {
            unavailable("podman is not installed (Debian: apt-get install podman runc debootstrap; .ci/run does it)");
            return;
        }
        if (info.exitCode() != 0) {
            unavailable("`podman info` failed: " + info.output().strip());
        }
        long t0 = System.nanoTime();
        Run build = exec(Duration.ofMinutes(10), List.of(HELM.resolve("build-images.sh").toString(), "cpu"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (build.exitCode() != 0) {
            unavailable("helm/build-images.sh cpu exited with " + build.exitCode() + ":\n" + build.output().strip());
        }
        List<String> lines = build.output().strip().lines().toList();
        image = lines.get(lines.size() - 1);
        System.out.printf("image %s built in %.0f s (runtime %s; load %s)%n%s%n", image, seconds, info.output().strip(),
                loadAverage(), build.output().lines().filter(l -> l.contains("built ")).findFirst().orElse(""));
        home = Files.createTempDirectory("lrsweep-it-image");
    }

    @AfterAll
    void stopEverything() throws Exception {
        for (String c : containers) {
            podman("rm", "-f", c);
        }
        if (conductor != null) {
            conductor.down(System.out);
        }
    }

    private List<String> run(String network, String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman", "run", "--rm", "--network=" + network));
        cmd.addAll(LOCKED_DOWN);
        cmd.add(image);
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void theImageAnswersVersionAsItsNonRootUserWithNoNetwork() throws Exception {
        long t0 = System.nanoTime();
        Run version = exec(Duration.ofMinutes(1), run("none", "--version"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(version.exitCode()).as(version.output()).isZero();
        // The JVM's notice proves the runtime carries the Vector API that the entrypoint adds (without
        // it the JVM would not start); it is the only other line.
        assertThat(version.output().strip().lines()).containsExactlyInAnyOrder(
                "lrsweep " + System.getProperty("lrsweep.project.version"),
                "WARNING: Using incubator modules: jdk.incubator.vector");
        Run user = podman("image", "inspect", "--format", "{{.Config.User}}", image);
        assertThat(user.output().strip()).isEqualTo("10001:10001");
        List<String> id = new ArrayList<>(List.of("podman", "run", "--rm", "--network=none", "--entrypoint=/usr/bin/id"));
        id.addAll(LOCKED_DOWN);
        id.addAll(List.of(image, "-u"));
        assertThat(exec(Duration.ofMinutes(1), id).output().strip()).isEqualTo("10001");
        System.out.printf("podman run --network none %s --version: %.1f s%n", image, seconds);
    }

    @Test
    void theImageSetsGlibcSoThatLibtorchReusesFreedActivationsInTwoArenas() throws Exception {
        // As the launcher: without the thresholds the SI ResNet-18 took ~75,000 page faults a step.
        Run env = podman("image", "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", image);
        assertThat(env.output().strip().lines()).contains("MALLOC_ARENA_MAX=2", "MALLOC_MMAP_THRESHOLD_=33554432",
                "MALLOC_TRIM_THRESHOLD_=536870912");
    }

    @Test
    void theImageRegistersAndRunsTheTinyStudyAgainstAConductorServerOnTheHost() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        conductor = new LocalConductor(home, port);
        assertThat(conductor.up(System.out)).isTrue();
        Path store = Files.createDirectories(home.resolve("store"));
        // The container's user (10001) writes here, as it would to a volume.
        Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rwxrwxrwx"));

        Run register = exec(Duration.ofMinutes(2), run("host", "register", "--conductor", conductor.url(), "--wait", "60"));
        assertThat(register.exitCode()).as(register.output()).isZero();
        assertThat(register.output()).contains("Registered lrsweep's task definitions");

        String name = "lrsweep-it-worker-" + port;
        List<String> worker = new ArrayList<>(List.of("podman", "run", "-d", "--name=" + name, "--network=host",
                "--volume=" + store + ":/store"));
        worker.addAll(LOCKED_DOWN);
        worker.addAll(List.of(image, "worker", "--conductor", conductor.url(), "--store", "/store", "--domain",
                "image-it", "--parallel", "1", "--metrics-port", "0"));
        Run started = exec(Duration.ofMinutes(1), worker);
        assertThat(started.exitCode()).as(started.output()).isZero();
        containers.add(name);

        ConductorApi api = conductor.api();
        long t0 = System.nanoTime();
        String id = api.startStudy(TinyStudy.input("image-it", Map.of("plrs", List.of(1e-3, 3.16e-2),
                "pretrainIterations", 600, "finetuneIterations", 200, "testSize", 400, "singleFeatureSize", 200)),
                Map.of("*", "image-it"));
        StudyProgress p = StudyCompletion.await(api, id, Duration.ofMinutes(4));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(p.status()).as(p.reason() + "\n" + podman("logs", name).output()).isEqualTo("COMPLETED");
        Path report = store.resolve("studies/image-it/report/index.html");
        assertThat(report).exists();
        assertThat(Files.getAttribute(report, "unix:uid")).as("written by the image's user").isEqualTo(10001);
        assertThat(podman("logs", name).output()).contains("lrsweep workers polling");
        System.out.printf("tiny study in the container: %.1f s (load %s)%n", seconds, loadAverage());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
