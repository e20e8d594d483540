package io.lrsweep.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The render matrix: every scenario of helm/lrsweep/ci rendered by the embedded Helm 3 engine, each
 * core object loaded strictly into the official Kubernetes models, the release checked as an API
 * server would wire it; and values that must be refused, with the message a person would read.
 */
class ChartRenderTest {
    private static final Set<String> MONITORING_KINDS = Set.of("PodMonitor", "ServiceMonitor", "PrometheusRule");
    private static final Map<String, String> TALLY = new TreeMap<>();

    static List<Path> scenarios() throws IOException {
        return ChartFiles.scenarios();
    }

    /** Secrets and ServiceAccounts that the values say exist outside the chart. */
    static ApiServerChecks.Outside outside(JsonNode values) {
        Map<String, Set<String>> secrets = new HashMap<>();
        JsonNode s3 = values.path("s3");
        secrets.computeIfAbsent(s3.path("existingSecret").asText(), k -> new HashSet<>())
                .addAll(List.of(s3.path("accessKeyIdKey").asText(), s3.path("secretAccessKeyKey").asText()));
        JsonNode pg = values.path("conductor").path("postgres");
        if (values.path("conductor").path("server").path("enabled").asBoolean()) {
            secrets.computeIfAbsent(pg.path("existingSecret").asText(), k -> new HashSet<>())
                    .addAll(List.of(pg.path("usernameKey").asText(), pg.path("passwordKey").asText()));
        }
        JsonNode sa = values.path("serviceAccount");
        Set<String> accounts = sa.path("create").asBoolean() ? Set.of() : Set.of(sa.path("name").asText());
        return new ApiServerChecks.Outside(secrets, accounts);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyScenarioRendersObjectsTheKubernetesModelsAcceptStrictlyAndAnApiServerWouldWire(Path scenario)
            throws Exception {
        ChartRender.Result r = ChartRender.render(scenario);
        assertThat(r.manifests()).as("rendered objects").isNotEmpty();
        int strict = 0;
        Map<String, Integer> kinds = new TreeMap<>();
        for (Manifest m : r.manifests()) {
            kinds.merge(m.kind(), 1, Integer::sum);
            if (KubernetesModels.modelOf(m).isPresent()) {
                assertThat(KubernetesModels.load(m)).as(m.id()).isNotNull();
                strict++;
            } else {
                assertThat(m.apiVersion() + " " + m.kind()).as("a kind this test knows how to check")
                        .isIn(MONITORING_KINDS.stream().map(k -> "monitoring.coreos.com/v1 " + k).toList());
            }
        }
        assertThat(ApiServerChecks.check(r.manifests(), outside(r.values()))).as(scenario.getFileName().toString())
                .isEmpty();
        TALLY.put(scenario.getFileName().toString(), r.manifests().size() + " objects, " + strict
                + " loaded strictly into client-java-api models, " + kinds);
    }

    @AfterAll
    static void printTally() {
        int objects = 0;
        for (var e : TALLY.entrySet()) {
            System.out.println("render matrix: " + e.getKey() + ": " + e.getValue());
            objects += Integer.parseInt(e.getValue().substring(0, e.getValue().indexOf(' ')));
        }
        System.out.println("render matrix: " + TALLY.size() + " scenarios, " + objects + " objects checked");
    }

    @Test
    void theScenariosTogetherCoverCpuGpuSecretsInChartConductorExternalEverythingAndMonitoring() throws Exception {
        Set<String> covered = new HashSet<>();
        for (Path s : ChartFiles.scenarios()) {
            ChartRender.Result r = ChartRender.render(s);
            JsonNode v = r.values();
            boolean gpu = r.yaml().contains("nvidia.com/gpu: 1");
            covered.add(gpu ? "gpu pool" : "cpu only");
            if (!v.path("s3").path("accessKeyIdKey").asText().equals("accessKeyId")) {
                covered.add("existing secret with its own key names");
            }
            if (!v.path("conductor").path("postgres").path("host").asText().isEmpty()) {
                covered.add("in-chart conductor on postgres");
            }
            if (v.path("conductor").path("devPostgres").path("enabled").asBoolean()) {
                covered.add("dev postgres");
            }
            if (!v.path("conductor").path("url").asText().isEmpty() && !v.path("register").path("enabled").asBoolean()) {
                covered.add("external everything");
            }
            for (Manifest m : r.manifests()) {
                if (MONITORING_KINDS.contains(m.kind())) {
                    covered.add(m.kind());
                }
                if (m.body().path("metadata").path("labels").has("grafana_dashboard")) {
                    covered.add("dashboards");
                }
            }
        }
        assertThat(covered).contains("cpu only", "gpu pool", "existing secret with its own key names",
                "in-chart conductor on postgres", "dev postgres", "external everything", "PodMonitor",
                "ServiceMonitor", "PrometheusRule", "dashboards");
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("no Conductor at all", "cpu-only.yaml", Map.of("conductor.url", ""),
                        "conductor: no Conductor server. Set conductor.url"),
                Arguments.of("an external and the in-chart Conductor", "cpu-only.yaml",
                        Map.of("conductor.server.enabled", true, "conductor.postgres.existingSecret", "pg",
                                "conductor.postgres.host", "pg"),
                        "conductor.url (http://conductor-server.conductor:8080) and conductor.server.enabled are both set"),
                Arguments.of("the in-chart Conductor without a database login", "dev-postgres.yaml",
                        Map.of("conductor.postgres.existingSecret", ""),
                        "conductor.postgres.existingSecret is required with conductor.server.enabled"),
                Arguments.of("the in-chart Conductor without a database", "dev-postgres.yaml",
                        Map.of("conductor.devPostgres.enabled", false), "conductor.postgres.host is empty"),
                Arguments.of("the development database without the in-chart server", "cpu-only.yaml",
                        Map.of("conductor.devPostgres.enabled", true),
                        "conductor.devPostgres.enabled needs conductor.server.enabled"),
                Arguments.of("no bucket", "cpu-only.yaml", Map.of("s3.bucket", ""), "s3.bucket is required"),
                Arguments.of("no S3 Secret", "cpu-only.yaml", Map.of("s3.existingSecret", ""),
                        "s3.existingSecret is required"),
                Arguments.of("a GPU pool without a GPU limit", "cpu-only.yaml",
                        Map.of("workers.pools.gpu.domain", "gpu"),
                        "workers.pools.gpu polls the task domain \"gpu\" but has no GPU limit (workers.pools.gpu.gpus is 0)"),
                Arguments.of("a GPU limit set by hand", "cpu-only.yaml",
                        Map.of("workers.pools.gpu.resources.limits.nvidia\\.com/gpu", 1),
                        "workers.pools.gpu.resources.limits sets nvidia.com/gpu: set workers.pools.gpu.gpus instead"),
                Arguments.of("a GPU pool running two stages per GPU", "gpu-pool.yaml",
                        Map.of("workers.pools.gpu.parallel", 2), "workers.pools.gpu.parallel is 2 but the pool has GPUs"),
                Arguments.of("a pool without a memory limit", "cpu-only.yaml",
                        Map.of("workers.defaults.resources.limits", "null"),
                        "workers.pools.cpu.resources.limits.memory is required"),
                Arguments.of("a misspelt key (schema)", "cpu-only.yaml",
                        Map.of("workers.pools.cpu.imagePullPolice", "Always"),
                        "additional properties 'imagePullPolice' not allowed"),
                Arguments.of("a misspelt top-level key (schema)", "cpu-only.yaml", Map.of("monitring.podMonitor.enabled", true),
                        "additional properties 'monitring' not allowed"),
                Arguments.of("a pool name that is no DNS label (schema)", "cpu-only.yaml",
                        Map.of("workers.pools.GPU_nodes.gpus", 1), "GPU_nodes"),
                Arguments.of("negative replicas (schema)", "cpu-only.yaml", Map.of("workers.pools.cpu.replicas", -1),
                        "replicas"),
                Arguments.of("a Conductor URL that is no URL (schema)", "cpu-only.yaml",
                        Map.of("conductor.url", "conductor:8080"), "conductor/url"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void valuesThatCannotWorkAreRefusedWithAMessageNamingTheValue(String what, String scenario,
                                                                    Map<String, Object> sets, String message) {
        assertThatThrownBy(() -> ChartRender.render(ChartFiles.chart().resolve("ci").resolve(scenario), sets))
                .as(what).isInstanceOf(IllegalStateException.class).hasMessageContaining(message);
    }

    @Test
    void aClusterOlderThanTheChartsKubeVersionIsRefused() {
        assertThatThrownBy(() -> new com.marcnuri.helm.Helm(ChartFiles.chart()).template().withName("old")
                .withKubeVersion("1.26.0").withValuesFile(ChartFiles.chart().resolve("ci/cpu-only.yaml")).call())
                .hasMessageContaining("chart requires kubeVersion: >=1.27.0-0");
    }

    @Test
    void chartVersionAppVersionAndDefaultImageTagsAreTheProjectVersion() throws Exception {
        JsonNode chart = Manifest.YAML.readTree(ChartFiles.chart().resolve("Chart.yaml").toFile());
        String version = ChartFiles.projectVersion();
        assertThat(chart.path("version").asText()).isEqualTo(version);
        assertThat(chart.path("appVersion").asText()).isEqualTo(version);
        assertThat(chart.path("dependencies").isMissingNode()).as("no remote dependencies").isTrue();
        Process script = new ProcessBuilder(ChartFiles.chart().resolveSibling("build-images.sh").toString(), "--version")
                .redirectErrorStream(true).start();
        assertThat(new String(script.getInputStream().readAllBytes()).strip()).as("build-images.sh --version")
                .isEqualTo(version);
        assertThat(script.waitFor()).isZero();
        ChartRender.Result r = ChartRender.render(ChartFiles.chart().resolve("ci/gpu-pool.yaml"));
        assertThat(image(worker(r, "cpu")))
                .isEqualTo("registry.example.org/lrsweep/lrsweep-worker:" + version);
        assertThat(image(worker(r, "gpu")))
                .isEqualTo("registry.example.org/lrsweep/lrsweep-worker:" + version + "-cu124");
        // The register Job is a hook, which helm-java's template leaves out: HelmBinaryIT checks its image.
    }

    private static String image(Manifest deployment) {
        return deployment.podTemplate().path("spec").path("containers").get(0).path("image").asText();
    }

    private static Manifest worker(ChartRender.Result r, String pool) {
        return r.named("Deployment", ChartRender.RELEASE + "-lrsweep-worker-" + pool);
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode e : container.path("env")) {
            out.put(e.path("name").asText(), e.has("value") ? e.path("value").asText()
                    : "from " + e.path("valueFrom").fieldNames().next());
        }
        return out;
    }

    @Test
    void aGpuPoolGetsOneGpuPerPodTheGpuDeviceOneStageAtATimeAndNoSurgeOnRollout() throws Exception {
        ChartRender.Result r = ChartRender.render(ChartFiles.chart().resolve("ci/gpu-pool.yaml"));
        Manifest gpu = worker(r, "gpu");
        JsonNode spec = gpu.podTemplate().path("spec");
        JsonNode worker = spec.path("containers").get(0);
        assertThat(worker.path("resources").path("limits").path("nvidia.com/gpu").asInt()).isEqualTo(1);
        assertThat(worker.path("resources").path("requests").path("nvidia.com/gpu").asInt()).isEqualTo(1);
        assertThat(env(worker)).containsEntry("LRSWEEP_DEVICE", "gpu").containsEntry("LRSWEEP_DOMAIN", "gpu")
                .containsEntry("LRSWEEP_PARALLEL", "1")
                .containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=40 -XX:+ExitOnOutOfMemoryError -Djava.io.tmpdir=/tmp");
        assertThat(spec.path("runtimeClassName").asText()).isEqualTo("nvidia");
        assertThat(spec.path("priorityClassName").asText()).isEqualTo("lrsweep-training");
        assertThat(spec.path("terminationGracePeriodSeconds").asInt()).isEqualTo(300);
        assertThat(spec.path("tolerations").get(0).path("key").asText()).isEqualTo("nvidia.com/gpu");
        assertThat(gpu.body().path("spec").path("strategy").path("rollingUpdate").path("maxSurge").asInt()).isZero();
        JsonNode cpuWorker = worker(r, "cpu").podTemplate().path("spec").path("containers").get(0);
        assertThat(cpuWorker.path("resources").path("limits").has("nvidia.com/gpu")).isFalse();
        assertThat(env(cpuWorker)).containsEntry("LRSWEEP_DEVICE", "cpu").doesNotContainKey("LRSWEEP_DOMAIN");
        Manifest budget = r.named("PodDisruptionBudget", ChartRender.RELEASE + "-lrsweep-worker-gpu");
        assertThat(budget.body().path("spec").path("maxUnavailable").asInt()).isEqualTo(1);
        assertThat(budget.body().path("spec").path("selector").path("matchLabels").path("lrsweep.io/pool").asText())
                .isEqualTo("gpu");
    }

    @Test
    void workersReachConductorAndTheStoreServeMetricsOnAllInterfacesAndAreNotEvictedByAutoscalers() throws Exception {
        Manifest cpu = worker(ChartRender.render(ChartFiles.chart().resolve("ci/cpu-only.yaml")), "cpu");
        JsonNode spec = cpu.podTemplate().path("spec");
        JsonNode worker = spec.path("containers").get(0);
        assertThat(worker.path("args").get(0).asText()).isEqualTo("worker");
        assertThat(env(worker)).containsEntry("LRSWEEP_CONDUCTOR_URL", "http://conductor-server.conductor:8080")
                .containsEntry("LRSWEEP_STORE", "s3://lrsweep/lrsweep")
                .containsEntry("LRSWEEP_S3_ENDPOINT", "http://minio.minio:9000")
                .containsEntry("LRSWEEP_METRICS_ADDRESS", "0.0.0.0").containsEntry("LRSWEEP_METRICS_PORT", "9464")
                .containsEntry("AWS_ACCESS_KEY_ID", "from secretKeyRef")
                .containsEntry("AWS_SECRET_ACCESS_KEY", "from secretKeyRef")
                .containsEntry("DJL_CACHE_DIR", "/var/cache/djl").containsEntry("DJL_OFFLINE", "true");
        assertThat(spec.path("terminationGracePeriodSeconds").asInt()).isEqualTo(120);
        assertThat(cpu.podTemplate().path("metadata").path("annotations")
                .path("cluster-autoscaler.kubernetes.io/safe-to-evict").asText()).isEqualTo("false");
        List<String> mounts = new ArrayList<>();
        worker.path("volumeMounts").forEach(v -> mounts.add(v.path("mountPath").asText()));
        assertThat(mounts).containsExactlyInAnyOrder("/tmp", "/var/cache/djl");
        assertThat(spec.path("volumes").findValues("emptyDir")).hasSize(2);
    }

    @Test
    void theInChartConductorGetsTheLocalServersPropertiesAndTuningAndItsLoginOnlyFromTheSecret() throws Exception {
        ChartRender.Result r = ChartRender.render(ChartFiles.chart().resolve("ci/in-chart-conductor-postgres.yaml"));
        String properties = r.named("ConfigMap", ChartRender.RELEASE + "-lrsweep-conductor").body().path("data")
                .path("conductor.properties").asText();
        for (String file : List.of("postgres.properties", "tuning.properties")) {
            for (String line : Files.readAllLines(ChartFiles.chart().resolve("files/conductor/" + file))) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    assertThat(properties).as("%s, as the local server has it", file).contains(line);
                }
            }
        }
        assertThat(properties).contains("spring.datasource.url=jdbc:postgresql://postgres.databases:5432/conductor?sslmode=require")
                .contains("conductor.app.taskExecutionPostponeDuration=10s")
                .doesNotContain("spring.datasource.password").doesNotContain("spring.datasource.username");
        Manifest server = r.named("Deployment", ChartRender.RELEASE + "-lrsweep-conductor");
        JsonNode containers = server.podTemplate().path("spec").path("containers");
        assertThat(containers).hasSize(2);
        assertThat(env(containers.get(0))).containsEntry("SPRING_DATASOURCE_USERNAME", "from secretKeyRef")
                .containsEntry("SPRING_DATASOURCE_PASSWORD", "from secretKeyRef")
                .containsEntry("CONDUCTOR_CONFIG_FILE", "/etc/lrsweep/conductor/conductor.properties");
        assertThat(r.ofKind("StatefulSet")).as("no development database").isEmpty();
        assertThat(r.ofKind("Secret")).as("the chart renders no Secret").isEmpty();
    }

    @Test
    void theValuesSchemaIsSelfContainedAndRefusesUnknownKeysInEveryObjectItDescribes() throws Exception {
        JsonNode schema = Manifest.JSON.readTree(ChartFiles.chart().resolve("values.schema.json").toFile());
        List<String> open = new ArrayList<>();
        List<String> refs = new ArrayList<>();
        walkSchema("", schema, open, refs);
        assertThat(refs).as("$refs").isNotEmpty().allSatisfy(r -> assertThat(r).as("a local $ref").startsWith("#/"));
        assertThat(open).as("objects with properties but without additionalProperties: false").isEmpty();
    }

    private static void walkSchema(String at, JsonNode node, List<String> open, List<String> refs) {
        if (node.isObject()) {
            if (node.has("$ref")) {
                refs.add(node.get("$ref").asText());
            }
            JsonNode additional = node.path("additionalProperties");
            boolean closed = additional.isBoolean() && !additional.asBoolean();
            if (node.has("properties") && !closed) {
                open.add(at);
            }
            node.fields().forEachRemaining(e -> walkSchema(at + "/" + e.getKey(), e.getValue(), open, refs));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walkSchema(at + "/" + i, node.get(i), open, refs);
            }
        }
    }

    @Test
    void theReadmesValuesTableNamesEveryValue() throws Exception {
        JsonNode values = Manifest.YAML.readTree(ChartFiles.chart().resolve("values.yaml").toFile());
        List<String> keys = new ArrayList<>();
        leaves("", values, keys);
        String readme = Files.readString(ChartFiles.chart().resolve("README.md"));
        assertThat(keys).hasSizeGreaterThan(50);
        assertThat(keys.stream().filter(k -> !readme.contains("`" + k + "`")).toList())
                .as("values missing from helm/lrsweep/README.md's table").isEmpty();
    }

    /** Maps documented as one value: resource lists and the user's pools. */
    private static final Set<String> DOCUMENTED_WHOLE = Set.of("resources", "pools");

    private static void leaves(String prefix, JsonNode node, List<String> out) {
        String last = prefix.substring(prefix.lastIndexOf('.') + 1);
        if (node.isObject() && !node.isEmpty() && !DOCUMENTED_WHOLE.contains(last)) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                leaves(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
        } else {
            out.add(prefix);
        }
    }
}
