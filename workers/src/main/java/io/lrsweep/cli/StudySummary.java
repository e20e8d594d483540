package io.lrsweep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.lrsweep.stages.Studies;
import io.lrsweep.stages.StudyLayout;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Json;
import io.lrsweep.storage.Manifest;
import io.lrsweep.study.StudyConfig;
import io.lrsweep.study.StudyPlan;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * What a store holds about one study, for {@code list} and {@code compare}: its preset, when it
 * was planned ({@code study.json} written; null where the store keeps no times), how many of its
 * branches are analysed, and its report's {@code results.json} once the report stage committed.
 * The store alone decides: a study without a report may be running or may have failed.
 */
record StudySummary(String id, String preset, Instant started, int branches, int analysed, JsonNode results) {

    /** One PLR's seed-mean test accuracies: pre-trained, best fine-tuned (over FLRs), best averaged (over Ks). */
    record PlrAccuracies(String regime, OptionalDouble pretrain, OptionalDouble finetune, OptionalDouble average) {
    }

    /** The ids of the studies in {@code store}, sorted. */
    static List<String> ids(ArtifactStore store) throws IOException {
        List<String> ids = new ArrayList<>();
        for (String name : store.children("studies/")) {
            if (name.endsWith("/") && store.exists("studies/" + name + "study.json")) {
                ids.add(name.substring(0, name.length() - 1));
            }
        }
        return ids;
    }

    static StudySummary read(ArtifactStore store, String id) throws IOException {
        StudyConfig c = Studies.load(store, id);
        Instant started = store.modified(StudyLayout.studyJson(id)).orElse(null);
        List<StudyPlan.BranchPlan> branches = StudyPlan.of(c, false).branches();
        String report = StudyLayout.report(id);
        if (store.exists(report + "/" + Manifest.FILE_NAME)) {
            JsonNode results = Json.read(store.get(report + "/results.json"), JsonNode.class);
            return new StudySummary(id, c.preset(), started, branches.size(), branches.size(), results);
        }
        int analysed = 0;
        for (StudyPlan.BranchPlan b : branches) {
            if (store.exists(StudyLayout.analyze(id, b.plr(), b.seed()) + "/" + Manifest.FILE_NAME)) {
                analysed++;
            }
        }
        return new StudySummary(id, c.preset(), started, branches.size(), analysed, null);
    }

    /** "reported" once the report is written, else how far the analyses got. */
    String status() {
        return results != null ? "reported" : "no report, " + analysed + "/" + branches + " branches analysed";
    }

    private JsonNode summary() {
        return results == null ? null : results.path("summary");
    }

    Optional<Double> threshold() {
        return number(summary(), "threshold_plr");
    }

    Optional<List<Double>> band2a() {
        JsonNode band = summary() == null ? null : summary().path("band_2a");
        if (band == null || !band.isArray() || band.isEmpty()) {
            return Optional.empty();
        }
        List<Double> plrs = new ArrayList<>();
        band.forEach(p -> plrs.add(p.asDouble()));
        return Optional.of(plrs);
    }

    /** The best fine-tuned model's PLR and test accuracy. */
    Optional<JsonNode> bestFinetune() {
        return best("best_finetune");
    }

    /** The best SWA model's PLR and test accuracy. */
    Optional<JsonNode> bestAverage() {
        return best("best_average");
    }

    private Optional<JsonNode> best(String field) {
        JsonNode b = summary() == null ? null : summary().path(field);
        return b == null || !b.has("test_accuracy") ? Optional.empty() : Optional.of(b);
    }

    /** The report's accuracies per PLR (empty without a report). */
    Map<Double, PlrAccuracies> perPlr() {
        Map<Double, PlrAccuracies> rows = new TreeMap<>();
        if (results == null) {
            return rows;
        }
        for (JsonNode row : results.path("per_plr")) {
            rows.put(row.path("plr").asDouble(), new PlrAccuracies(row.path("regime").asText(""),
                    optional(number(row.path("pretrain"), "test_accuracy")), maxAccuracy(row.path("finetune")),
                    maxAccuracy(row.path("average"))));
        }
        return rows;
    }

    private static OptionalDouble maxAccuracy(JsonNode runs) {
        OptionalDouble best = OptionalDouble.empty();
        for (JsonNode run : runs) {
            if (run.hasNonNull("test_accuracy")) {
                double a = run.get("test_accuracy").asDouble();
                best = best.isEmpty() || a > best.getAsDouble() ? OptionalDouble.of(a) : best;
            }
        }
        return best;
    }

    private static Optional<Double> number(JsonNode node, String field) {
        return node == null || !node.path(field).isNumber() ? Optional.empty() : Optional.of(node.get(field).asDouble());
    }

    private static OptionalDouble optional(Optional<Double> d) {
        return d.map(OptionalDouble::of).orElse(OptionalDouble.empty());
    }
}
