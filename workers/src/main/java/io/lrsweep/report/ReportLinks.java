package io.lrsweep.report;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a report links outside itself: the study's workflow in Conductor (its UI when
 * {@code LRSWEEP_CONDUCTOR_UI_URL} is set, otherwise the REST URL of the API the workers use) and
 * the Grafana dashboards when {@code LRSWEEP_GRAFANA_URL} is set. Bases lose any user info, query
 * and fragment, so that a credential in a configured URL never reaches the page.
 */
public record ReportLinks(URI conductorUi, URI conductorApi, URI grafana) {
    public static final String CONDUCTOR_UI_ENV = "LRSWEEP_CONDUCTOR_UI_URL";
    public static final String GRAFANA_ENV = "LRSWEEP_GRAFANA_URL";
    /** No link out: the report stays self-contained. */
    public static final ReportLinks NONE = new ReportLinks(null, null, null);

    /** The dashboards of monitoring/grafana that take a study; the GPU one is per worker. */
    private static final List<Link> DASHBOARDS = List.of(
            new Link("Grafana: study overview", "lrsweep-overview"),
            new Link("Grafana: training", "lrsweep-training"),
            new Link("Grafana: landscape", "lrsweep-landscape"));

    /** A labelled URL. */
    public record Link(String label, String url) {
    }

    public ReportLinks {
        conductorUi = base(conductorUi);
        conductorApi = base(conductorApi);
        grafana = base(grafana);
    }

    /**
     * The links a worker can give: the configured UI and Grafana from {@code env}, and the API it
     * talks to ({@code conductorApiUrl}, e.g. {@code http://127.0.0.1:8080/api}; may be null).
     */
    public static ReportLinks configured(Map<String, String> env, String conductorApiUrl) {
        return new ReportLinks(uri(env.get(CONDUCTOR_UI_ENV), CONDUCTOR_UI_ENV), uri(conductorApiUrl, "Conductor API"),
                uri(env.get(GRAFANA_ENV), GRAFANA_ENV));
    }

    /** The study's workflow: a page of the Conductor UI, or else the workflow's JSON from the REST API. */
    public Optional<Link> workflow(String workflowId) {
        if (workflowId == null || workflowId.isBlank()) {
            return Optional.empty();
        }
        String id = encode(workflowId);
        if (conductorUi != null) {
            return Optional.of(new Link("Conductor: the study's workflow", join(conductorUi, "execution/" + id)));
        }
        if (conductorApi != null) {
            return Optional.of(new Link("Conductor REST API: the study's workflow (JSON; " + CONDUCTOR_UI_ENV
                    + " links the UI instead)", join(conductorApi, "workflow/" + id)));
        }
        return Optional.empty();
    }

    /** The study's Grafana dashboards, filtered to this study, or none when Grafana's URL is not known. */
    public List<Link> dashboards(String studyId) {
        List<Link> out = new ArrayList<>();
        if (grafana != null) {
            DASHBOARDS.forEach(d -> out.add(new Link(d.label(), join(grafana, "d/" + d.url() + "?var-study="
                    + encode(studyId)))));
        }
        return out;
    }

    /** The URL prefixes a report may link to outside itself. */
    public List<String> externalBases() {
        List<String> out = new ArrayList<>();
        for (URI u : new URI[] {conductorUi, conductorApi, grafana}) {
            if (u != null) {
                out.add(u.toString());
            }
        }
        return out;
    }

    private static String join(URI base, String path) {
        String b = base.toString();
        return b.endsWith("/") ? b + path : b + "/" + path;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static URI uri(String value, String what) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            URI u = new URI(value.trim());
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
                throw new IllegalArgumentException(what + ": not an http(s) URL");
            }
            return u;
        } catch (URISyntaxException e) {
            // The value itself may hold a credential: the message names the setting only.
            throw new IllegalArgumentException(what + ": not a valid URL", e);
        }
    }

    /** Scheme, host, port and path only: user info, query and fragment may carry credentials. */
    private static URI base(URI u) {
        if (u == null) {
            return null;
        }
        try {
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid base URL", e);
        }
    }
}
