package io.lrsweep.tasks;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.netflix.conductor.client.http.ConductorClient;
import com.netflix.conductor.client.http.MetadataClient;
import com.netflix.conductor.client.http.WorkflowClient;
import com.netflix.conductor.common.metadata.tasks.Task;
import com.netflix.conductor.common.metadata.tasks.TaskDef;
import com.netflix.conductor.common.metadata.workflow.StartWorkflowRequest;
import com.netflix.conductor.common.metadata.workflow.WorkflowDef;
import com.netflix.conductor.common.run.Workflow;
import io.orkes.conductor.client.http.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The Conductor calls the CLI makes — definitions, start, status, retry — through
 * conductor-client's {@link MetadataClient} and {@link WorkflowClient}, with errors that say what
 * to do. Health is one plain GET: the client library has no call for {@code /health}.
 */
public final class ConductorApi {
    // Strict: a definition file with a field the client's model does not know is a mistake in the file.
    private static final ObjectMapper DEFINITIONS = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    // Task.getTaskDefinition() is an Optional, which plain Jackson refuses to write; the server's
    // own JSON has no such field either, so the tree leaves it out.
    private static final ObjectMapper TREE = new ObjectMapper().addMixIn(Task.class, WithoutTaskDefinition.class);
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final MetadataClient metadata;
    private final WorkflowClient workflows;

    /** @param serverUrl e.g. {@code http://127.0.0.1:8080} (with or without a trailing {@code /api}) */
    public ConductorApi(String serverUrl) {
        String s = serverUrl.endsWith("/") ? serverUrl.substring(0, serverUrl.length() - 1) : serverUrl;
        this.base = s.endsWith("/api") ? s.substring(0, s.length() - 4) : s;
        ConductorClient client = new ConductorClient(apiUrl());
        this.metadata = new MetadataClient(client);
        this.workflows = new WorkflowClient(client);
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

    /** The task definitions of lrsweep, as registered. */
    public static List<TaskDef> taskDefinitions() throws IOException {
        return Arrays.asList(DEFINITIONS.readValue(resource("/workflows/tasks.json"), TaskDef[].class));
    }

    /** The workflow definitions of lrsweep, as registered. */
    public static List<WorkflowDef> workflowDefinitions() throws IOException {
        List<WorkflowDef> defs = new ArrayList<>();
        for (LrsweepWorkflow w : LrsweepWorkflow.values()) {
            defs.add(DEFINITIONS.readValue(resource(w.resource()), WorkflowDef.class));
        }
        return defs;
    }

    /** Registers (or updates) every task and workflow definition; safe to repeat. */
    public void registerDefinitions() throws IOException {
        List<TaskDef> tasks = taskDefinitions();
        List<WorkflowDef> defs = workflowDefinitions();
        call("register the task definitions", () -> {
            metadata.registerTaskDefs(tasks);
            return null;
        });
        call("register the workflow definitions", () -> {
            metadata.updateWorkflowDefs(defs);
            return null;
        });
    }

    /** Starts a study; returns the workflow id. */
    public String startStudy(Map<String, Object> input, Map<String, String> taskToDomain) throws IOException {
        StartWorkflowRequest req = new StartWorkflowRequest();
        req.setName(LrsweepWorkflow.STUDY.workflowName());
        req.setVersion(LrsweepWorkflow.VERSION);
        req.setInput(input);
        if (taskToDomain != null && !taskToDomain.isEmpty()) {
            req.setTaskToDomain(taskToDomain);
        }
        return call("start the study", () -> workflows.startWorkflow(req));
    }

    /** A workflow's status alone: the server reads no task for it. */
    public String status(String id) throws IOException {
        return call("read the status of workflow " + id, () -> workflows.getWorkflow(id, false)).getStatus().name();
    }

    /** A workflow with its tasks. */
    public Workflow workflow(String id) throws IOException {
        return call("read workflow " + id, () -> workflows.getWorkflow(id, true));
    }

    /** The workflow without its tasks: status, reason, output (cheap for a study of a thousand branches). */
    public JsonNode workflowSummary(String id) throws IOException {
        return workflowTree(id, false);
    }

    /**
     * A workflow as a JSON tree in the server's own field names, for tools outside this package that
     * read a few fields (status, tasks' times) without depending on Conductor's classes.
     */
    public JsonNode workflowTree(String id, boolean includeTasks) throws IOException {
        return tree(call("read workflow " + id, () -> workflows.getWorkflow(id, includeTasks)));
    }

    static JsonNode tree(Workflow workflow) {
        return TREE.valueToTree(workflow);
    }

    @JsonIgnoreProperties("taskDefinition")
    private abstract static class WithoutTaskDefinition {}

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
        call("resume " + id, () -> {
            workflows.retryLastFailedTask(id, false);
            return null;
        });
        return "failed and cancelled branches restarted; their finished stages return cached";
    }

    /** A call to the server whose failure becomes an IOException saying what failed and why. */
    private interface Call<T> {
        T run();
    }

    private <T> T call(String what, Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (ApiException e) {
            if (hasCause(e, ConnectException.class) || e.getStatusCode() == 0 && !healthy()) {
                throw new IOException("cannot reach Conductor at " + base + " to " + what
                        + " (is it running? try `lrsweep local up`)", e);
            }
            throw new IOException("Conductor refused to " + what + " (" + e.getStatusCode() + "): "
                    + abbreviate(e.getMessage()), e);
        }
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = ConductorApi.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IOException("definition " + path + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 500 ? s.substring(0, 500) + "…" : s;
    }
}
