package io.lrsweep.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** The checks of the render matrix catch what they claim to: each case breaks one rendered field. */
class ApiServerChecksTest {
    private static final String WORKER = ChartRender.RELEASE + "-lrsweep-worker-cpu";

    /** The findings for the monitoring scenario after {@code breakIt} changed one object. */
    private static List<String> findingsAfter(String kind, String name, Consumer<ObjectNode> breakIt) throws Exception {
        ChartRender.Result r = ChartRender.render(ChartFiles.chart().resolve("ci/monitoring.yaml"));
        breakIt.accept(r.named(kind, name).body());
        return ApiServerChecks.check(r.manifests(), ChartRenderTest.outside(r.values()));
    }

    private static ObjectNode workerContainer(ObjectNode deployment) {
        return (ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").get(0);
    }

    @Test
    void theUnbrokenReleasePasses() throws Exception {
        assertThat(findingsAfter("Deployment", WORKER, d -> { })).isEmpty();
    }

    @Test
    void aSelectorThatMissesItsPodsIsFound() throws Exception {
        assertThat(findingsAfter("Deployment", WORKER, d -> ((ObjectNode) d.path("spec").path("selector")
                .path("matchLabels")).put("lrsweep.io/pool", "cpuu")))
                .anySatisfy(f -> assertThat(f).contains(WORKER).contains("does not match the pod template's labels"));
    }

    @Test
    void aGpuRequestDifferentFromItsLimitIsFound() throws Exception {
        String gpu = ChartRender.RELEASE + "-lrsweep-worker-gpu";
        assertThat(findingsAfter("Deployment", gpu, d -> ((ObjectNode) workerContainer(d).path("resources")
                .path("requests")).put("nvidia.com/gpu", 2)))
                .anySatisfy(f -> assertThat(f).contains("nvidia.com/gpu requests must equal limits"));
    }

    @Test
    void aWritableRootFilesystemIsFound() throws Exception {
        assertThat(findingsAfter("Deployment", WORKER, d -> ((ObjectNode) workerContainer(d).path("securityContext"))
                .put("readOnlyRootFilesystem", false)))
                .anySatisfy(f -> assertThat(f).contains("readOnlyRootFilesystem must be true"));
    }

    @Test
    void aSecretKeyRefToAnUnknownSecretIsFound() throws Exception {
        assertThat(findingsAfter("Deployment", WORKER, d -> {
            for (var e : workerContainer(d).path("env")) {
                if (e.path("name").asText().equals("AWS_SECRET_ACCESS_KEY")) {
                    ((ObjectNode) e.path("valueFrom").path("secretKeyRef")).put("name", "typo-s3");
                }
            }
        })).anySatisfy(f -> assertThat(f).contains("refers to Secret 'typo-s3', which is neither rendered nor configured"));
    }

    @Test
    void aPlainPasswordInTheEnvironmentIsFound() throws Exception {
        assertThat(findingsAfter("Deployment", WORKER, d -> ((ArrayNode) workerContainer(d).path("env")).addObject()
                .put("name", "DB_PASSWORD").put("value", "hunter2")))
                .anySatisfy(f -> assertThat(f).contains("env DB_PASSWORD looks like a secret"));
    }

    @Test
    void aPodMonitorThatSelectsNothingIsFound() throws Exception {
        assertThat(findingsAfter("PodMonitor", ChartRender.RELEASE + "-lrsweep-workers", m -> ((ObjectNode) m
                .path("spec").path("selector").path("matchLabels")).put("app.kubernetes.io/component", "wrker")))
                .anySatisfy(f -> assertThat(f).contains("selects no rendered pod"));
    }

    @Test
    void aServiceMonitorOnAPortTheServiceLacksIsFound() throws Exception {
        assertThat(findingsAfter("ServiceMonitor", ChartRender.RELEASE + "-lrsweep-conductor", m -> ((ObjectNode) m
                .path("spec").path("endpoints").get(0)).put("port", "metrics")))
                .anySatisfy(f -> assertThat(f).contains("endpoints port 'metrics' is no port of the selected Services"));
    }

    @Test
    void aBudgetThatBlocksDrainsIsFound() throws Exception {
        assertThat(findingsAfter("PodDisruptionBudget", WORKER, b -> ((ObjectNode) b.path("spec"))
                .put("maxUnavailable", 0)))
                .anySatisfy(f -> assertThat(f).contains("node drains block"));
    }

    @Test
    void aServiceNameThatIsNoDnsLabelIsFound() throws Exception {
        assertThat(findingsAfter("Service", ChartRender.RELEASE + "-lrsweep-conductor", s -> ((ObjectNode) s
                .path("metadata")).put("name", "7-Conductor")))
                .anySatisfy(f -> assertThat(f).contains("'7-Conductor' is not a valid Service name"));
    }

    @Test
    void aMisspeltFieldFailsTheStrictModel() throws Exception {
        ChartRender.Result r = ChartRender.render(ChartFiles.chart().resolve("ci/cpu-only.yaml"));
        Manifest d = r.named("Deployment", WORKER);
        workerContainer(d.body()).put("imagePullPolice", "Always");
        assertThatThrownBy(() -> KubernetesModels.load(d)).hasMessageContaining("imagePullPolice")
                .hasMessageContaining("V1Container");
    }
}
