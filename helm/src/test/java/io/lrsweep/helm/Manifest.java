package io.lrsweep.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** One rendered Kubernetes object, as the tree Helm printed (tests may change the tree; the accessors follow it). */
record Manifest(ObjectNode body) {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    /** Every non-empty document of a multi-document YAML stream, in order. */
    static List<Manifest> parseAll(String yaml) throws IOException {
        List<Manifest> out = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(yaml)) {
            var docs = YAML.readValues(parser, JsonNode.class);
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isNull() || doc.isEmpty()) {
                    continue;
                }
                if (!(doc instanceof ObjectNode o) || !doc.hasNonNull("kind")) {
                    throw new IOException("a rendered document is not a Kubernetes object: " + doc);
                }
                out.add(new Manifest(o));
            }
        }
        return out;
    }

    String apiVersion() {
        return body.path("apiVersion").asText();
    }

    String kind() {
        return body.path("kind").asText();
    }

    String name() {
        return body.path("metadata").path("name").asText();
    }

    String json() {
        return body.toString();
    }

    /** "Kind/name", for messages. */
    String id() {
        return kind() + "/" + name();
    }

    /** The pod template of a workload, or missing. */
    JsonNode podTemplate() {
        return switch (kind()) {
            case "Deployment", "StatefulSet", "Job", "DaemonSet" -> body.path("spec").path("template");
            default -> com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        };
    }

    boolean isWorkload() {
        return !podTemplate().isMissingNode();
    }
}
