package io.lrsweep.helm;

import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1Job;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import java.util.Map;
import java.util.Optional;

/**
 * The official Kubernetes Java models (client-java-api) for the core kinds the chart renders. Their
 * deserializer is strict: an unknown or misspelt field, a missing required field or a wrong type
 * fails, as the API server's strict field validation would.
 */
final class KubernetesModels {
    private static final Map<String, Class<? extends KubernetesObject>> CORE = Map.of(
            "v1/ServiceAccount", V1ServiceAccount.class,
            "v1/ConfigMap", V1ConfigMap.class,
            "v1/Secret", V1Secret.class,
            "v1/Service", V1Service.class,
            "apps/v1/Deployment", V1Deployment.class,
            "apps/v1/StatefulSet", V1StatefulSet.class,
            "batch/v1/Job", V1Job.class,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class);
    private static final JSON JSON = new JSON();

    private KubernetesModels() {
    }

    /** The model class of a core kind, or empty for kinds the client does not know (CRDs). */
    static Optional<Class<? extends KubernetesObject>> modelOf(Manifest m) {
        return Optional.ofNullable(CORE.get(m.apiVersion() + "/" + m.kind()));
    }

    /** Loads the manifest strictly into its model; throws with the client's message when a field is wrong. */
    static KubernetesObject load(Manifest m) {
        Class<? extends KubernetesObject> type = modelOf(m).orElseThrow(() -> new IllegalArgumentException(
                m.id() + " (" + m.apiVersion() + ") is not a core kind this test knows"));
        try {
            return JSON.deserialize(m.json(), type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(m.id() + " is not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
