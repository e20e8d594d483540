package io.lrsweep;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.tasks.ConductorApi;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Looks for a secret (the S3 secret key) everywhere it must never be: worker logs, the server's
 * log, every task's input, output and log lines on the server, every object of the study
 * (manifests, report, checkpoints) and metrics scrapes. Fails naming the place where it appears.
 */
public final class SecretScan {
    private final String secret;
    private final List<String> scanned = new ArrayList<>();

    public SecretScan(String secret) {
        this.secret = secret;
    }

    public SecretScan file(Path file) throws IOException {
        if (Files.exists(file)) {
            text("file " + file, Files.readString(file, StandardCharsets.ISO_8859_1));
        }
        return this;
    }

    public SecretScan text(String where, String text) {
        scanned.add(where);
        assertThat(text.contains(secret)).as("the S3 secret appears in " + where).isFalse();
        return this;
    }

    /** The workflow and its sub-workflows: inputs, outputs, reasons and every task's log lines. */
    public SecretScan workflow(ConductorApi api, String workflowId) throws Exception {
        JsonNode wf = api.workflowTree(workflowId, true);
        text("workflow " + workflowId, wf.toString());
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (JsonNode t : wf.path("tasks")) {
                String log = http.send(HttpRequest.newBuilder(URI.create(api.apiUrl() + "/tasks/"
                        + t.path("taskId").asText() + "/log")).timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                text("log of task " + t.path("taskId").asText(), log);
                if (t.hasNonNull("subWorkflowId")) {
                    workflow(api, t.path("subWorkflowId").asText());
                }
            }
        }
        return this;
    }

    /** Every object under {@code prefix}: manifests, report, checkpoints. */
    public SecretScan objects(ArtifactStore store, String prefix) throws IOException {
        List<String> keys = store.list(prefix);
        assertThat(keys).as("objects under " + prefix).isNotEmpty();
        for (String key : keys) {
            text("object " + key, new String(store.get(key), StandardCharsets.ISO_8859_1));
        }
        return this;
    }

    /** How many places were looked at. */
    public int places() {
        return scanned.size();
    }

    /** The log file of the workers running inside this test JVM (failsafe points slf4j-simple at it). */
    public SecretScan inProcessLog() throws IOException {
        String file = System.getProperty("org.slf4j.simpleLogger.logFile");
        assertThat(file).as("the ITs log to a file (failsafe's org.slf4j.simpleLogger.logFile)").isNotNull();
        return file(Path.of(file));
    }
}
