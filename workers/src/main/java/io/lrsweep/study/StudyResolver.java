package io.lrsweep.study;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lrsweep.data.DataSet;
import io.lrsweep.science.images.NetworkSpec;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a study input ({@code preset}, {@code overrides}, optional {@code studyId}) into a
 * validated {@link StudyConfig}, or an {@link InvalidStudyException} that names the wrong field.
 */
public final class StudyResolver {
    public static final Set<String> INPUT_FIELDS = Set.of("preset", "overrides", "studyId");
    private static final Set<String> NOT_OVERRIDABLE = Set.of("studyId", "preset");
    private static final Pattern STUDY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern CREDENTIALS_IN_URL = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://[^/@]*:[^/@]*@");
    /** More branches than this in one study would flood the server with sub-workflows (the paper's has 1,150). */
    public static final int MAX_BRANCHES = 10_000;
    /** Longer stages than this are a typo, not a study (the paper trains 40,000 iterations). */
    public static final long MAX_ITERATIONS = 100_000_000L;
    /** The study's fields in order; a field that is off (null, like refine) is absent from the preset's JSON. */
    private static final List<String> FIELDS = Arrays.stream(StudyConfig.class.getRecordComponents())
            .map(RecordComponent::getName).toList();
    private static final ObjectMapper MAPPER = strict(new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT));

    /** A number must be a JSON number and a flag a JSON boolean: "3" for seeds is refused, not read as 3. */
    private static ObjectMapper strict(ObjectMapper m) {
        m.coercionConfigDefaults()
                .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        for (Class<?> text : List.of(String.class, Object.class)) {
            m.coercionConfigFor(text).setCoercion(CoercionInputShape.String, CoercionAction.TryConvert);
        }
        return m;
    }

    private StudyResolver() {
    }

    /** Resolves a workflow input; {@code fallbackStudyId} is used when the input names none. */
    public static StudyConfig resolve(Map<String, Object> input, String fallbackStudyId) {
        if (input == null) {
            throw new InvalidStudyException("input", "is missing");
        }
        for (String key : input.keySet()) {
            if (!INPUT_FIELDS.contains(key)) {
                throw new InvalidStudyException(key, "unknown input field (known: preset, overrides, studyId)");
            }
        }
        Object presetValue = input.get("preset");
        if (!(presetValue instanceof String presetName) || presetName.isBlank()) {
            throw new InvalidStudyException("preset", "is required: one of " + Presets.names());
        }
        StudyConfig preset = Presets.find(presetName).orElseThrow(() -> new InvalidStudyException("preset",
                "unknown preset '" + presetName + "' (known: " + String.join(", ", Presets.names()) + ")"));
        Object idValue = input.get("studyId");
        String studyId;
        if (idValue == null || (idValue instanceof String s && s.isEmpty())) {
            studyId = fallbackStudyId;
        } else if (idValue instanceof String s) {
            studyId = s;
        } else {
            throw new InvalidStudyException("studyId", "must be a string");
        }
        Object overrides = input.get("overrides");
        StudyConfig config = preset;
        if (overrides != null) {
            if (!(overrides instanceof Map<?, ?> map)) {
                throw new InvalidStudyException("overrides", "must be an object of field: value");
            }
            config = applyOverrides(preset, map);
        }
        return validate(config.withStudyId(studyId));
    }

    private static StudyConfig applyOverrides(StudyConfig preset, Map<?, ?> overrides) {
        ObjectNode tree = MAPPER.valueToTree(preset);
        for (Map.Entry<?, ?> e : overrides.entrySet()) {
            String field = String.valueOf(e.getKey());
            if (NOT_OVERRIDABLE.contains(field)) {
                throw new InvalidStudyException("overrides." + field, "is not an override; set it at the top level");
            }
            if (!FIELDS.contains(field)) {
                List<String> known = new ArrayList<>(FIELDS);
                known.removeAll(NOT_OVERRIDABLE);
                throw new InvalidStudyException("overrides." + field, "unknown field (known: "
                        + String.join(", ", known) + ")");
            }
            tree.set(field, MAPPER.valueToTree(e.getValue()));
        }
        try {
            return MAPPER.treeToValue(tree, StudyConfig.class);
        } catch (JsonMappingException ex) {
            String field = ex.getPath().isEmpty() ? "overrides" : "overrides." + pathOf(ex);
            throw new InvalidStudyException(field, "has the wrong type (" + ex.getOriginalMessage() + ")");
        } catch (JsonProcessingException ex) {
            throw new InvalidStudyException("overrides", ex.getOriginalMessage());
        }
    }

    private static String pathOf(JsonMappingException ex) {
        StringBuilder b = new StringBuilder();
        for (JsonMappingException.Reference r : ex.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.isEmpty() ? "" : ".").append(r.getFieldName());
            } else {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }

    /** Checks every field of a resolved study; returns it unchanged when it is valid. */
    public static StudyConfig validate(StudyConfig c) {
        if (c.studyId() == null || !STUDY_ID.matcher(c.studyId()).matches()) {
            throw new InvalidStudyException("studyId", "'" + printable(c.studyId()) + "' is not allowed: use 1-64 of"
                    + " letters, digits, '.', '_', '-', starting with a letter or digit (it becomes part of object keys)");
        }
        SetupKind kind = c.kind();
        positiveRates("plrs", c.plrs());
        positiveRates("flrs", c.flrs());
        atLeast("seeds", c.seeds(), 1);
        atMost("seeds", c.seeds(), 1000);
        if ((long) c.plrs().size() * c.seeds() > MAX_BRANCHES) {
            throw new InvalidStudyException("seeds", c.seeds() + " seeds × " + c.plrs().size() + " PLRs = "
                    + (long) c.plrs().size() * c.seeds() + " branches, more than the " + MAX_BRANCHES
                    + " one study may have; split it into several studies");
        }
        atLeast("dataSeeds", c.dataSeeds(), 1);
        atLeast("batchSize", c.batchSize(), 1);
        if (c.swaKs() == null || c.swaKs().isEmpty()) {
            throw new InvalidStudyException("swaKs", "must not be empty");
        }
        if (c.swaKs().size() > 100) {
            throw new InvalidStudyException("swaKs", c.swaKs().size() + " values is more than the 100 allowed");
        }
        Set<Integer> ks = new HashSet<>();
        for (int i = 0; i < c.swaKs().size(); i++) {
            Integer k = c.swaKs().get(i);
            if (k == null || k < 1) {
                throw new InvalidStudyException("swaKs[" + i + "]", k + " is not a positive number of checkpoints");
            }
            if (!ks.add(k)) {
                throw new InvalidStudyException("swaKs[" + i + "]", k + " appears twice");
            }
        }
        switch (kind) {
            case SYNTHETIC -> validateSynthetic(c);
            case IMAGE -> validateImage(c);
        }
        memberOf("geometryFlrLow", c.geometryFlrLow(), c.flrs(), "flrs");
        memberOf("geometryFlrHigh", c.geometryFlrHigh(), c.flrs(), "flrs");
        if (c.geometryFlrLow() >= c.geometryFlrHigh()) {
            throw new InvalidStudyException("geometryFlrLow", c.geometryFlrLow() + " must be below geometryFlrHigh "
                    + c.geometryFlrHigh());
        }
        if (!ks.contains(c.geometryK())) {
            throw new InvalidStudyException("geometryK", c.geometryK() + " is not one of swaKs " + c.swaKs());
        }
        if (!(c.convergenceLoss() > 0) || !Double.isFinite(c.convergenceLoss())) {
            throw new InvalidStudyException("convergenceLoss", c.convergenceLoss() + " must be a positive loss");
        }
        if (!(c.divergenceMargin() >= 0 && c.divergenceMargin() < 0.5)) {
            throw new InvalidStudyException("divergenceMargin", c.divergenceMargin()
                    + " must be an accuracy fraction in [0, 0.5)");
        }
        if (!(c.barrierLimit() >= 0 && c.barrierLimit() <= 1)) {
            throw new InvalidStudyException("barrierLimit", c.barrierLimit() + " must be an error fraction in [0, 1]");
        }
        atLeast("sharpnessProbes", c.sharpnessProbes(), 0);
        atMost("sharpnessProbes", c.sharpnessProbes(), 10_000);
        atLeast("sharpnessIterations", c.sharpnessIterations(), 0);
        atMost("sharpnessIterations", c.sharpnessIterations(), 10_000);
        if (!(c.convergenceBudget() >= 0 && c.convergenceBudget() <= 1000)) {
            throw new InvalidStudyException("convergenceBudget", c.convergenceBudget()
                    + " must be a number of pre-training budgets in [0, 1000] (0: no training to convergence)");
        }
        if (!c.twoStagePlrs().isEmpty()) {
            positiveRates("twoStagePlrs", c.twoStagePlrs());
            if (c.twoStagePlrs().size() != 2 || c.twoStagePlrs().get(0) <= c.twoStagePlrs().get(1)) {
                throw new InvalidStudyException("twoStagePlrs", c.twoStagePlrs() + " must be [2B PLR, 2A PLR], the"
                        + " first larger, or empty to take both from the study's regimes");
            }
            // The first stage is the sweep's own pre-training at that PLR.
            memberOf("twoStagePlrs[0]", c.twoStagePlrs().get(0), c.plrs(), "plrs");
        }
        if (c.refine() != null) {
            validateRefine(c);
        }
        return c;
    }

    /**
     * A refinement needs a grid that spans a threshold (two PLRs at least) and must keep the study
     * within the limits on PLRs and branches once every round has added its PLRs.
     */
    private static void validateRefine(StudyConfig c) {
        Refine r = c.refine();
        atLeast("refine.rounds", r.rounds(), 1);
        atMost("refine.rounds", r.rounds(), Refine.MAX_ROUNDS);
        atLeast("refine.points", r.points(), 1);
        atMost("refine.points", r.points(), Refine.MAX_POINTS);
        if (c.plrs().size() < 2) {
            throw new InvalidStudyException("refine", "needs at least two plrs to refine between (plrs has "
                    + c.plrs().size() + ")");
        }
        long plrs = c.plrs().size() + (long) r.rounds() * r.points();
        if (plrs > 200) {
            throw new InvalidStudyException("refine", c.plrs().size() + " plrs + " + r.rounds() + " rounds × "
                    + r.points() + " points = " + plrs + " PLRs, more than the 200 allowed");
        }
        if (plrs * c.seeds() > MAX_BRANCHES) {
            throw new InvalidStudyException("refine", plrs + " PLRs after refinement × " + c.seeds() + " seeds = "
                    + plrs * c.seeds() + " branches, more than the " + MAX_BRANCHES + " one study may have");
        }
    }

    private static void validateSynthetic(StudyConfig c) {
        if (c.dataSet() != DataSet.TICKS) {
            throw new InvalidStudyException("dataset", "'" + c.dataset() + "': the synthetic setup generates its own"
                    + " data (" + DataSet.TICKS + "); image data sets need setup " + SetupKind.IMAGE);
        }
        atLeast("checkpointEvery", c.checkpointEvery(), 1);
        atLeast("trainSize", c.trainSize(), c.batchSize());
        atMost("trainSize", c.trainSize(), 1_000_000);
        atLeast("testSize", c.testSize(), 1);
        atMost("testSize", c.testSize(), 1_000_000);
        atLeast("singleFeatureSize", c.singleFeatureSize(), 1);
        atMost("singleFeatureSize", c.singleFeatureSize(), 1_000_000);
        atLeast("finetuneIterations", c.finetuneIterations(), 1);
        atMost("finetuneIterations", c.finetuneIterations(), MAX_ITERATIONS);
        atMost("pretrainIterations", c.pretrainIterations(), MAX_ITERATIONS);
        long window = (long) c.maxK() * c.checkpointEvery();
        if (c.pretrainIterations() < window) {
            throw new InvalidStudyException("pretrainIterations", c.pretrainIterations() + " is shorter than the SWA"
                    + " window of " + c.maxK() + " checkpoints × " + c.checkpointEvery() + " iterations = " + window);
        }
        long perEpoch = c.trainSize() / c.batchSize();
        if (c.pretrainIterations() < perEpoch) {
            throw new InvalidStudyException("pretrainIterations", c.pretrainIterations() + " does not cover one epoch"
                    + " (trainSize / batchSize = " + perEpoch + " iterations), so convergence cannot be judged");
        }
        if (c.pretrainIterations() % c.checkpointEvery() != 0) {
            throw new InvalidStudyException("pretrainIterations", c.pretrainIterations()
                    + " is not a multiple of checkpointEvery " + c.checkpointEvery());
        }
    }

    private static void validateImage(StudyConfig c) {
        if (DataSet.named(c.dataset()).filter(DataSet::isImage).isEmpty()) {
            throw new InvalidStudyException("dataset", "'" + c.dataset() + "' is not one of " + DataSet.imageIds());
        }
        NetworkSpec.Architecture arch;
        try {
            arch = NetworkSpec.Architecture.of(c.model());
        } catch (IllegalArgumentException e) {
            throw new InvalidStudyException("model", e.getMessage());
        }
        atLeast("width", c.width(), 1);
        atMost("width", c.width(), 1024);
        atMost("batchSize", c.batchSize(), 65_536);
        atLeast("pretrainEpochs", c.pretrainEpochs(), 1);
        atMost("pretrainEpochs", c.pretrainEpochs(), 100_000);
        atLeast("finetuneEpochs", c.finetuneEpochs(), 1);
        atMost("finetuneEpochs", c.finetuneEpochs(), 100_000);
        atLeast("recentEpochs", c.recentEpochs(), 1);
        atMost("recentEpochs", c.recentEpochs(), c.pretrainEpochs());
        if (c.trainSize() != 0) {
            atLeast("trainSize", c.trainSize(), c.batchSize());
        }
        atLeast("trainSize", c.trainSize(), 0);
        atLeast("testSize", c.testSize(), 0);
        if (arch.scaleInvariant() && (c.momentum() != 0 || c.weightDecay() != 0)) {
            throw new InvalidStudyException(c.momentum() != 0 ? "momentum" : "weightDecay", "must be 0 for "
                    + arch + ": training on the sphere is plain SGD (study-spec §2)");
        }
        if (!(c.momentum() >= 0 && c.momentum() < 1)) {
            throw new InvalidStudyException("momentum", c.momentum() + " must be in [0, 1)");
        }
        if (!(c.weightDecay() >= 0) || !Double.isFinite(c.weightDecay())) {
            throw new InvalidStudyException("weightDecay", c.weightDecay() + " must be a non-negative number");
        }
        if (c.dataSource() != null && CREDENTIALS_IN_URL.matcher(c.dataSource()).find()) {
            // Workflow input is stored and shown by Conductor: secrets come from the environment.
            throw new InvalidStudyException("dataSource", "must not carry credentials (user:password@); give them"
                    + " to the workers through their environment");
        }
    }

    private static void positiveRates(String field, List<Double> rates) {
        if (rates == null || rates.isEmpty()) {
            throw new InvalidStudyException(field, "must not be empty: give at least one learning rate");
        }
        if (rates.size() > 200) {
            throw new InvalidStudyException(field, rates.size() + " values is more than the 200 allowed");
        }
        Set<Double> seen = new HashSet<>();
        for (int i = 0; i < rates.size(); i++) {
            Double r = rates.get(i);
            if (r == null || !(r > 0) || !Double.isFinite(r)) {
                throw new InvalidStudyException(field + "[" + i + "]", r + " is not a positive, finite learning rate");
            }
            if (!seen.add(r)) {
                throw new InvalidStudyException(field + "[" + i + "]", r + " appears twice");
            }
        }
    }

    private static void memberOf(String field, double value, List<Double> set, String setName) {
        if (!set.contains(value)) {
            throw new InvalidStudyException(field, value + " is not one of " + setName + " " + set);
        }
    }

    private static void atLeast(String field, long value, long min) {
        if (value < min) {
            throw new InvalidStudyException(field, value + " must be at least " + min);
        }
    }

    private static void atMost(String field, long value, long max) {
        if (value > max) {
            throw new InvalidStudyException(field, value + " must be at most " + max);
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 70 ? s.substring(0, 70).replaceAll("\\p{Cntrl}", "?") + "…"
                : s.replaceAll("\\p{Cntrl}", "?");
    }
}
