package io.lrsweep.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The few Conductor REST calls the CLI makes: health, definitions, start, status, retry. */
public final class ConductorApi {
    public static final String STUDY_WORKFLOW = "lrsweep_study";
    private static final List<String> WORKFLOW_FILES = List.of("lrsweep_branch.json", "lrsweep_study.json");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param serverUrl e.g. {@code http://127.0.0.1:8080} (with or without a trailing {@code /api}) */
    public ConductorApi(String serverUrl) {
        String s = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        this.base = s.endsWith("/api") ? s.substring(0, s.length() - 4) : s;
    }

    public String serverUrl() {
        return base;
    }

    public String apiUrl() {
        return base + "/api";
    }

    public boolean healthy() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                    .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"healthy\":true");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Registers (or updates) every task and workflow definition; safe to repeat. */
    public void registerDefinitions() throws IOException {
        send("POST", "/api/metadata/taskdefs", resource("tasks.json"));
        StringBuilder workflows = new StringBuilder("[");
        for (String f : WORKFLOW_FILES) {
            workflows.append(workflows.length() > 1 ? "," : "").append(resource(f));
        }
        send("PUT", "/api/metadata/workflow", workflows.append(']').toString());
    }

    /** Starts a study; returns the workflow id. */
    public String startStudy(Map<String, Object> input, Map<String, String> taskToDomain) throws IOException {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("name", STUDY_WORKFLOW);
        req.put("version", 1);
        req.put("input", input);
        if (taskToDomain != null && !taskToDomain.isEmpty()) {
            req.put("taskToDomain", taskToDomain);
        }
        return send("POST", "/api/workflow", MAPPER.writeValueAsString(req)).trim();
    }

    public JsonNode workflow(String id) throws IOException {
        return MAPPER.readTree(send("GET", "/api/workflow/" + id + "?includeTasks=true", null));
    }

    /** The workflow without its tasks: status, reason, output (cheap for a study of a thousand branches). */
    public JsonNode workflowSummary(String id) throws IOException {
        return MAPPER.readTree(send("GET", "/api/workflow/" + id + "?includeTasks=false", null));
    }

    /**
     * Resumes a failed study: Conductor retries its failed and cancelled branches as new branch
     * instances, whose finished stages return at once as cached (every stage first looks for its
     * manifest), so nothing that finished is computed again.
     *
     * <p>Why not {@code resumeSubworkflowTasks=true}: measured on server 3.32.3, it resumes only the
     * first failed-or-cancelled branch in place; a sibling branch that was cancelled when the study
     * failed then either makes the call fail (409) or leaves the study TERMINATED.
     *
     * @return how the study was resumed, for the user
     */
    public String retry(String id) throws IOException {
        send("POST", "/api/workflow/" + id + "/retry?resumeSubworkflowTasks=false", "");
        return "failed and cancelled branches restarted; their finished stages return cached";
    }

    private String send(String method, String path, String body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IOException("Conductor " + method + " " + path + " answered " + r.statusCode() + ": "
                        + abbreviate(r.body()));
            }
            return r.body();
        } catch (java.net.ConnectException e) {
            throw new IOException("cannot reach Conductor at " + base + " (is it running? try `lrsweep local up`)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ConductorApi.class.getResourceAsStream("/workflows/" + name)) {
            if (in == null) {
                throw new IOException("workflow definition " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 500 ? s.substring(0, 500) + "…" : s;
    }
}
