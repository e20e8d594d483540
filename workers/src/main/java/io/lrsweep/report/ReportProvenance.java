package io.lrsweep.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.lrsweep.study.StudyConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a report comes from: links to the study's workflow and dashboards, the code version that
 * wrote it, and the resolved study input, with anything that may be a credential masked.
 *
 * @param workflowId the study's Conductor workflow, or null when not known (a report rewritten from the store)
 */
public record ReportProvenance(StudyConfig config, String workflowId, ReportLinks links, String codeVersion) {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Not indented: a list of PLRs wraps inside its cell instead of running down the page. */
    private static final ObjectWriter ONE_LINE = JSON.writer();

    /** The short table at the top of the page: links out, workflow id, code version. */
    public String header() {
        StringBuilder b = new StringBuilder("<table class=\"input\">\n");
        links.workflow(workflowId).ifPresent(l -> link(b, l));
        links.dashboards(config.studyId()).forEach(l -> link(b, l));
        if (workflowId != null) {
            row(b, "workflow id", workflowId);
        }
        row(b, "code version", codeVersion);
        return b.append("</table>\n").toString();
    }

    /** The section at the end of the page: every field of the resolved study input that is set, as JSON. */
    public String input() {
        StringBuilder b = new StringBuilder("<h2>Study input (resolved)</h2>\n<table class=\"input\">\n");
        Map<?, ?> fields = JSON.convertValue(config, Map.class);
        Map<String, String> shown = new LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (v != null) {
                shown.put(String.valueOf(k), json(k, v));
            }
        });
        shown.forEach((k, v) -> row(b, k, v));
        return b.append("</table>\n").toString();
    }

    private static String json(Object field, Object value) {
        try {
            return ONE_LINE.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("study field " + field + " has no JSON form", e);
        }
    }

    private static void link(StringBuilder b, ReportLinks.Link l) {
        String url = ReportPages.esc(SecretRedaction.redact(l.url()));
        b.append("<tr><th>").append(ReportPages.esc(l.label())).append("</th><td><a href=\"").append(url).append("\">")
                .append(url).append("</a></td></tr>\n");
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append("<tr><th>").append(ReportPages.esc(label)).append("</th><td>")
                .append(ReportPages.esc(SecretRedaction.redact(value))).append("</td></tr>\n");
    }
}
