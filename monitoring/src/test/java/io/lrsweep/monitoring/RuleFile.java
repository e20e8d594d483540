package io.lrsweep.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A Prometheus rule file read back: alert (or record) name to expression. */
public final class RuleFile {
    private RuleFile() {
    }

    public static Map<String, String> expressions(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode group : yaml(file).path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                String name = rule.hasNonNull("alert") ? rule.get("alert").asText() : rule.path("record").asText();
                out.put(name, rule.path("expr").asText());
            }
        }
        return out;
    }

    /** Alert names that some promtool test case expects to fire. */
    public static List<String> alertsExpectedToFire(Path testFile) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode test : yaml(testFile).path("tests")) {
            for (JsonNode a : test.path("alert_rule_test")) {
                if (!a.path("exp_alerts").isEmpty()) {
                    out.add(a.path("alertname").asText());
                }
            }
        }
        return out;
    }

    static JsonNode yaml(Path file) throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    }
}
