package io.lrsweep.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The second engine: the real helm 4 binary lints every scenario strictly, renders it with the
 * Prometheus Operator's API (hooks included, which the embedded engine leaves out) into objects that
 * pass the same strict models and checks, agrees with embedded Helm 3 on every other object, and
 * packages the chart into an archive that holds the monitoring files themselves and renders the same.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HelmBinaryIT {
    @TempDir
    Path tmp;
    private HelmBinary helm;

    @BeforeAll
    void findHelm(@TempDir Path home) throws Exception {
        helm = HelmBinary.require(home);
        assertThat(helm.version()).startsWith("v4.");
    }

    static List<Path> scenarios() throws Exception {
        return ChartFiles.scenarios();
    }

    private List<Manifest> template(String chart, Path scenario) throws Exception {
        HelmBinary.Run r = helm.run("template", ChartRender.RELEASE, chart, "-f", scenario.toString(), "--namespace",
                "lrsweep", "--kube-version", ChartRender.KUBE_VERSION, "--api-versions", "monitoring.coreos.com/v1");
        assertThat(r.exitCode()).as(r.all()).isZero();
        return Manifest.parseAll(r.stdout());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void lintStrictPassesForEveryScenario(Path scenario) throws Exception {
        HelmBinary.Run r = helm.run("lint", "--strict", "-f", scenario.toString(), ChartFiles.chart().toString());
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void helm4RendersObjectsThatPassTheChecksAndAgreesWithEmbeddedHelm3(Path scenario) throws Exception {
        List<Manifest> helm4 = template(ChartFiles.chart().toString(), scenario);
        ChartRender.Result helm3 = ChartRender.render(scenario);
        for (Manifest m : helm4) {
            if (KubernetesModels.modelOf(m).isPresent()) {
                assertThat(KubernetesModels.load(m)).as(m.id()).isNotNull();
            }
        }
        assertThat(ApiServerChecks.check(helm4, ChartRenderTest.outside(helm3.values()))).isEmpty();
        Map<String, JsonNode> byId3 = byId(helm3.manifests());
        Map<String, JsonNode> byId4 = byId(helm4.stream().filter(m -> !isHook(m)).toList());
        assertThat(byId4.keySet()).isEqualTo(byId3.keySet());
        byId3.forEach((id, body) -> assertThat(byId4.get(id)).as(id).isEqualTo(body));
        boolean registers = helm3.values().path("register").path("enabled").asBoolean();
        List<Manifest> hooks = helm4.stream().filter(HelmBinaryIT::isHook).toList();
        assertThat(hooks).as("the register Job, and only it, is a hook").hasSize(registers ? 1 : 0);
        for (Manifest job : hooks) {
            assertThat(job.kind()).isEqualTo("Job");
            assertThat(job.body().path("metadata").path("annotations").path("helm.sh/hook").asText())
                    .isEqualTo("post-install,post-upgrade");
            JsonNode c = job.podTemplate().path("spec").path("containers").get(0);
            assertThat(c.path("image").asText()).endsWith(":" + ChartFiles.projectVersion());
            assertThat(c.path("args").toString()).startsWith("[\"register\",\"--conductor\",\"http");
        }
        System.out.printf("helm 4: %s: %d objects (%d hooks) pass the checks and match helm-java%n",
                scenario.getFileName(), helm4.size(), hooks.size());
    }

    @Test
    void thePackagedChartHoldsTheMonitoringFilesThemselvesAndRendersTheSame() throws Exception {
        HelmBinary.Run pack = helm.run("package", ChartFiles.chart().toString(), "-d", tmp.toString());
        assertThat(pack.exitCode()).as(pack.all()).isZero();
        Path archive = tmp.resolve("lrsweep-" + ChartFiles.projectVersion() + ".tgz");
        assertThat(archive).exists();
        Process tar = new ProcessBuilder("tar", "-tvzf", archive.toString()).redirectErrorStream(true).start();
        List<String> entries = new String(tar.getInputStream().readAllBytes()).lines().toList();
        assertThat(tar.waitFor()).isZero();
        List<String> monitoring = new ArrayList<>(entries.stream()
                .filter(e -> e.contains("lrsweep/files/grafana/") || e.contains("lrsweep/files/prometheus/")).toList());
        assertThat(monitoring).as("dashboards and rules are in the archive").hasSize(5)
                .allSatisfy(e -> assertThat(e).as("a regular file, not a link").startsWith("-"));
        assertThat(entries).noneMatch(e -> e.contains("lrsweep/ci/")).noneMatch(e -> e.contains("rules_test.yml"));
        for (Path scenario : ChartFiles.scenarios()) {
            assertThat(byId(template(archive.toString(), scenario))).as(scenario.getFileName().toString())
                    .isEqualTo(byId(template(ChartFiles.chart().toString(), scenario)));
        }
        System.out.printf("helm package: %s, %d bytes, %d entries%n", archive.getFileName(), Files.size(archive),
                entries.size());
    }

    @Test
    void helm4RefusesAReleaseWithoutConductorWithTheChartsMessage() throws Exception {
        HelmBinary.Run r = helm.run("template", "x", ChartFiles.chart().toString(), "--set", "s3.bucket=studies",
                "--set", "s3.existingSecret=s");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("conductor: no Conductor server. Set conductor.url");
    }

    private static boolean isHook(Manifest m) {
        return m.body().path("metadata").path("annotations").has("helm.sh/hook");
    }

    private static Map<String, JsonNode> byId(List<Manifest> manifests) {
        return manifests.stream().collect(Collectors.toMap(Manifest::id, Manifest::body, (a, b) -> {
            throw new AssertionError("two objects with one id: " + a);
        }, TreeMap::new));
    }
}
