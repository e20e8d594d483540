package io.lrsweep.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Renders the chart with the embedded Helm 3 engine (helm-java): what {@code helm template} prints,
 * parsed into manifests, together with the effective values (values.yaml overlaid by the scenario).
 */
final class ChartRender {
    /** The Kubernetes version rendered for: the one client-java-api 27's models describe. */
    static final String KUBE_VERSION = "1.34.0";
    static final String RELEASE = "study";

    /** What one render produced. */
    record Result(List<Manifest> manifests, JsonNode values, String yaml) {
        List<Manifest> ofKind(String kind) {
            return manifests.stream().filter(m -> m.kind().equals(kind)).toList();
        }

        Manifest named(String kind, String name) {
            return manifests.stream().filter(m -> m.kind().equals(kind) && m.name().equals(name)).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + kind + "/" + name + " in " + manifests.stream()
                            .map(Manifest::id).toList()));
        }
    }

    private ChartRender() {
    }

    /** Renders with a values file (may be null) and --set pairs; throws IllegalStateException with Helm's message on refusal. */
    static Result render(Path valuesFile, Map<String, Object> sets) throws IOException {
        TemplateCommand t = new Helm(ChartFiles.chart()).template().withName(RELEASE).withNamespace("lrsweep")
                .withKubeVersion(KUBE_VERSION);
        if (valuesFile != null) {
            t.withValuesFile(valuesFile);
        }
        sets.forEach(t::set);
        String yaml = t.call();
        return new Result(Manifest.parseAll(yaml), effectiveValues(valuesFile, sets), yaml);
    }

    static Result render(Path valuesFile) throws IOException {
        return render(valuesFile, Map.of());
    }

    /** values.yaml overlaid by the file, then the --set pairs (dotted keys; values as given). */
    static JsonNode effectiveValues(Path valuesFile, Map<String, Object> sets) throws IOException {
        ObjectNode values = (ObjectNode) Manifest.YAML.readTree(ChartFiles.chart().resolve("values.yaml").toFile());
        if (valuesFile != null) {
            overlay(values, Manifest.YAML.readTree(Files.readString(valuesFile)));
        }
        sets.forEach((key, value) -> {
            ObjectNode at = values;
            String[] parts = key.split("(?<!\\\\)\\.");
            for (int i = 0; i < parts.length - 1; i++) {
                at = at.has(parts[i]) && at.get(parts[i]).isObject() ? (ObjectNode) at.get(parts[i]) : at.putObject(parts[i]);
            }
            at.set(parts[parts.length - 1].replace("\\.", "."), Manifest.JSON.valueToTree(value));
        });
        return values;
    }

    private static void overlay(ObjectNode base, JsonNode top) {
        if (top == null || !top.isObject()) {
            return;
        }
        top.fields().forEachRemaining(e -> {
            JsonNode existing = base.get(e.getKey());
            if (existing instanceof ObjectNode o && e.getValue().isObject()) {
                overlay(o, e.getValue());
            } else {
                base.set(e.getKey(), e.getValue());
            }
        });
    }
}
