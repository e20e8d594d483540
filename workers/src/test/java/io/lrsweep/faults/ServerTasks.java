package io.lrsweep.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.TaskType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the server recorded of a study: every task of it and its branches, and each task's log lines. */
final class ServerTasks {
    /** A task log line and when the server received it (ms since the epoch). */
    record LogLine(long at, String text) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private ServerTasks() {
    }

    static List<JsonNode> all(ConductorApi api, String workflowId) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode t : api.workflowTree(workflowId, true).path("tasks")) {
            out.add(t);
            if (t.hasNonNull("subWorkflowId")) {
                out.addAll(all(api, t.path("subWorkflowId").asText()));
            }
        }
        return out;
    }

    /**
     * Every attempt of the task that ran one stage of a branch of the study, in the order they were
     * scheduled: the stage's own task, or the branch's one task where a branch is one task.
     */
    static List<JsonNode> attempts(ConductorApi api, String workflowId, TaskType stage, double plr) throws Exception {
        return all(api, workflowId).stream().filter(t -> t.path("taskDefName").asText().equals(stage.taskName())
                        || t.path("taskDefName").asText().equals(TaskType.WHOLE_BRANCH.taskName()))
                .filter(t -> t.path("inputData").path("plr").asDouble() == plr)
                .sorted(java.util.Comparator.comparingLong(t -> t.path("scheduledTime").asLong())).toList();
    }

    /** A stage's outcome in an attempt of {@link #attempts}: the task's own, or that of the stage in a branch's task. */
    static String outcome(JsonNode attempt, TaskType stage) {
        for (JsonNode s : attempt.path("outputData").path("stages")) {
            if (s.path("stage").asText().equals(stage.stage())) {
                return s.path("outcome").asText();
            }
        }
        return attempt.path("outputData").path("outcome").asText();
    }

    static List<LogLine> log(ConductorApi api, String taskId) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String body = http.send(HttpRequest.newBuilder(URI.create(api.apiUrl() + "/tasks/" + taskId + "/log"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body();
            List<LogLine> lines = new ArrayList<>();
            for (JsonNode l : JSON.readTree(body)) {
                lines.add(new LogLine(l.path("createdTime").asLong(), l.path("log").asText()));
            }
            return lines;
        }
    }

    /** The first log line of any of these tasks that contains {@code text}. */
    static Optional<LogLine> firstLine(ConductorApi api, List<JsonNode> tasks, String text) throws Exception {
        Optional<LogLine> first = Optional.empty();
        for (JsonNode t : tasks) {
            for (LogLine l : log(api, t.path("taskId").asText())) {
                if (l.text().contains(text) && (first.isEmpty() || l.at() < first.get().at())) {
                    first = Optional.of(l);
                }
            }
        }
        return first;
    }

    /** The number after {@code prefix} in a line such as "resuming from iteration 12000 of …". */
    static long numberAfter(String line, String prefix) {
        int at = line.indexOf(prefix);
        if (at < 0) {
            throw new AssertionError("'" + prefix + "' is not in: " + line);
        }
        String rest = line.substring(at + prefix.length()).trim();
        int end = 0;
        while (end < rest.length() && Character.isDigit(rest.charAt(end))) {
            end++;
        }
        return Long.parseLong(rest.substring(0, end));
    }
}
