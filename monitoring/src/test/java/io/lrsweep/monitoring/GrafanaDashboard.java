package io.lrsweep.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Grafana dashboard in provisioning format (JSON model), read offline: its panels' PromQL
 * targets and its template variables' queries, with the variables substituted the way Grafana does.
 */
public record GrafanaDashboard(Path file, JsonNode json) {
    /** $name, ${name}, ${name:format}, [[name]]; "$1" in label_replace is a regex group, not a variable. */
    private static final Pattern VARIABLE = Pattern.compile(
            "\\$\\{([A-Za-z_]\\w*)(?::\\w+)?}|\\[\\[([A-Za-z_]\\w*)]]|\\$([A-Za-z_]\\w*)");
    private static final Pattern LABEL_VALUES = Pattern.compile("^\\s*label_values\\((.*),\\s*(\\w+)\\s*\\)\\s*$",
            Pattern.DOTALL);
    private static final Pattern LABEL_VALUES_BARE = Pattern.compile("^\\s*label_values\\(\\s*(\\w+)\\s*\\)\\s*$");
    private static final Pattern QUERY_RESULT = Pattern.compile("^\\s*query_result\\((.*)\\)\\s*$", Pattern.DOTALL);

    /** One PromQL expression of the dashboard and where it comes from. */
    public record Query(String dashboard, String source, String expr) {
    }

    public static GrafanaDashboard read(Path file) throws IOException {
        return new GrafanaDashboard(file, new ObjectMapper().readTree(file.toFile()));
    }

    public String title() {
        return json.path("title").asText();
    }

    /** Every panel, rows' nested panels included. */
    public List<JsonNode> panels() {
        List<JsonNode> all = new ArrayList<>();
        for (JsonNode p : json.path("panels")) {
            all.add(p);
            p.path("panels").forEach(all::add);
        }
        return all;
    }

    public List<JsonNode> variables() {
        List<JsonNode> vars = new ArrayList<>();
        json.path("templating").path("list").forEach(vars::add);
        return vars;
    }

    /**
     * Every PromQL expression: each panel target's {@code expr}, and each query variable's query
     * ({@code label_values(expr, label)} becomes {@code count by (label) (expr)}, {@code
     * query_result(expr)} becomes {@code expr}), with the variables replaced by {@code values}.
     */
    public List<Query> queries(Map<String, String> values) {
        List<Query> out = new ArrayList<>();
        for (JsonNode v : variables()) {
            if (!v.path("type").asText().equals("query")) {
                continue;
            }
            JsonNode q = v.path("query");
            String query = q.isObject() ? q.path("query").asText() : q.asText();
            out.add(new Query(title(), "variable " + v.path("name").asText(), substitute(promql(query), values)));
        }
        for (JsonNode p : panels()) {
            for (JsonNode t : p.path("targets")) {
                if (t.hasNonNull("expr")) {
                    out.add(new Query(title(), "panel \"" + p.path("title").asText() + "\" " + t.path("refId").asText(),
                            substitute(t.get("expr").asText(), values)));
                }
            }
        }
        return out;
    }

    /** A variable's query as PromQL (Grafana's label_values/query_result are not PromQL). */
    static String promql(String query) {
        Matcher m = LABEL_VALUES.matcher(query);
        if (m.matches()) {
            return "count by (" + m.group(2) + ") (" + m.group(1) + ")";
        }
        m = LABEL_VALUES_BARE.matcher(query);
        if (m.matches()) {
            return "count by (" + m.group(1) + ") ({" + m.group(1) + "!=\"\"})";
        }
        m = QUERY_RESULT.matcher(query);
        return m.matches() ? m.group(1) : query;
    }

    /** Replaces $name, ${name}, ${name:format} and [[name]]; an unknown variable fails. */
    static String substitute(String expr, Map<String, String> values) {
        Matcher m = VARIABLE.matcher(expr);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
            String value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException("no value for $" + name + " in: " + expr);
            }
            m.appendReplacement(b, Matcher.quoteReplacement(value));
        }
        return m.appendTail(b).toString();
    }
}
