package io.lrsweep.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrsweep.tasks.ConductorApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sends bad study inputs ({@link BadStudyInputs}) the two ways a study starts, and says for each
 * whether it was refused as it must be: through {@code lrsweep submit} (exit code 2, a message that
 * names the field, and no request to Conductor), and straight into Conductor's API (the study
 * fails at once, its plan task with a terminal error that names the field, nothing else scheduled).
 */
final class InputFuzz {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How one case went; {@code problem} is empty when it was refused as it must be. */
    record Verdict(BadStudyInputs.Case input, String how, Optional<String> problem) {
        boolean ok() {
            return problem.isEmpty();
        }
    }

    private InputFuzz() {
    }

    /** The case as {@code lrsweep submit} arguments, if the command line can express it. */
    static Optional<List<String>> submitArguments(BadStudyInputs.Case c) {
        Map<String, Object> in = c.input();
        if (!(in.get("preset") instanceof String preset) || !(in.get("overrides") instanceof Map<?, ?> overrides)
                || !in.keySet().stream().allMatch(k -> k.equals("preset") || k.equals("overrides")
                || k.equals("studyId")) || in.containsKey("studyId") && !(in.get("studyId") instanceof String)) {
            return Optional.empty();
        }
        // An unreachable server: a case that passed validation would fail to connect (exit 1), not be refused.
        List<String> args = new ArrayList<>(List.of("submit", "--conductor", "http://127.0.0.1:9", "--preset", preset));
        for (Map.Entry<?, ?> e : overrides.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (key.isBlank() || key.contains("=") || !key.equals(key.trim())) {
                return Optional.empty();
            }
            args.add("--set");
            args.add(key + "=" + json(e.getValue()));
        }
        if (in.get("studyId") instanceof String id) {
            args.add("--study-id");
            args.add(id);
        }
        return Optional.of(args);
    }

    /** Runs {@code lrsweep submit} in this process on the case; empty when the command line cannot express it. */
    static Optional<Verdict> viaSubmit(BadStudyInputs.Case c) {
        Optional<List<String>> args = submitArguments(c);
        if (args.isEmpty()) {
            return Optional.empty();
        }
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        int code = Main.commandLine().setErr(new PrintWriter(err)).setOut(new PrintWriter(out))
                .execute(args.get().toArray(String[]::new));
        String said = err.toString().trim();
        String problem = null;
        if (code != 2) {
            problem = "exit code " + code + " (expected 2, refused before contacting Conductor): " + abbreviate(said
                    + out, 300);
        } else if (!said.startsWith("lrsweep submit: ") || !said.contains(c.field())) {
            problem = "the message does not name " + c.field() + ": " + abbreviate(said, 300);
        }
        return Optional.of(new Verdict(c, "submit", Optional.ofNullable(problem)));
    }

    /**
     * Starts every case as a study on the server (all at once) and waits for each; returns a verdict
     * per case. Workers must poll the server.
     */
    static List<Verdict> viaConductor(List<BadStudyInputs.Case> cases, ConductorApi api, long timeoutMillis)
            throws Exception {
        Map<String, BadStudyInputs.Case> started = new LinkedHashMap<>();
        List<Verdict> verdicts = new ArrayList<>();
        for (BadStudyInputs.Case c : cases) {
            try {
                started.put(api.startStudy(c.input(), Map.of()), c);
            } catch (IOException e) {
                // Conductor refused the request itself (malformed or oversized JSON): nothing ran.
                verdicts.add(new Verdict(c, "refused by Conductor", e.getMessage().contains("answered 4")
                        ? Optional.empty() : Optional.of("the request failed: " + abbreviate(e.getMessage(), 300))));
            }
        }
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (Map.Entry<String, BadStudyInputs.Case> e : started.entrySet()) {
            verdicts.add(new Verdict(e.getValue(), "conductor", judge(api, e.getKey(), e.getValue(), deadline)));
        }
        return verdicts;
    }

    private static Optional<String> judge(ConductorApi api, String id, BadStudyInputs.Case c, long deadline)
            throws Exception {
        JsonNode wf = api.workflowSummary(id);
        while (wf.path("status").asText().equals("RUNNING")) {
            if (System.currentTimeMillis() > deadline) {
                return Optional.of("still RUNNING when the time ran out (a hung plan?) in workflow " + id);
            }
            Thread.sleep(200);
            wf = api.workflowSummary(id);
        }
        JsonNode tasks = api.workflowTree(id, true).path("tasks");
        if (!wf.path("status").asText().equals("FAILED")) {
            return Optional.of("the study ended " + wf.path("status").asText() + " (workflow " + id + ")");
        }
        if (tasks.size() != 1) {
            return Optional.of(tasks.size() + " tasks were scheduled, not just the plan (workflow " + id + ")");
        }
        JsonNode plan = tasks.get(0);
        String reason = plan.path("reasonForIncompletion").asText();
        if (!plan.path("status").asText().equals("FAILED_WITH_TERMINAL_ERROR")) {
            return Optional.of("the plan ended " + plan.path("status").asText() + ": " + abbreviate(reason, 300));
        }
        if (plan.path("retryCount").asInt() != 0) {
            return Optional.of("the plan was retried " + plan.path("retryCount").asInt() + " times");
        }
        if (!reason.contains(c.field())) {
            return Optional.of("the reason does not name " + c.field() + ": " + abbreviate(reason, 300));
        }
        return Optional.empty();
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            return String.valueOf(value);
        }
    }

    static String abbreviate(String s, int max) {
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() > max ? printable.substring(0, max) + "…" : printable;
    }
}
