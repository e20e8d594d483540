package io.lrsweep.cli;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Generated study inputs that must be refused: each is a valid input (the synthetic-quick preset)
 * with one thing broken — a wrong type, a non-finite, negative or huge number (refinement rounds
 * and points included), an enormous array, an unknown field, a path trick or control character in
 * the study id, overrides that are not an object, deeply nested JSON, a bad preset or force flag —
 * and the field its refusal must name. The same seed gives the same cases.
 */
final class BadStudyInputs {
    /** One bad input: what kind of fault, the workflow input, and the field the refusal must name. */
    record Case(int number, String kind, Map<String, Object> input, String field) {
        @Override
        public String toString() {
            return "#" + number + " " + kind + " (field " + field + "): " + InputFuzz.abbreviate(InputFuzz.json(input), 300);
        }
    }

    private static final List<String> INT_FIELDS = List.of("seeds", "dataSeeds", "pretrainIterations",
            "finetuneIterations", "batchSize", "checkpointEvery", "trainSize", "testSize", "singleFeatureSize",
            "geometryK", "sharpnessProbes", "sharpnessIterations");
    private static final List<String> DOUBLE_FIELDS = List.of("convergenceLoss", "divergenceMargin", "barrierLimit",
            "geometryFlrLow", "geometryFlrHigh", "convergenceBudget");
    private static final List<String> LIST_FIELDS = List.of("plrs", "flrs", "swaKs");
    /** Values outside each numeric field's range (all refused whatever the rest of the study says). */
    private static final Map<String, List<Object>> OUT_OF_RANGE = Map.ofEntries(
            Map.entry("seeds", List.of(-1, 0, 1001, 2_147_483_648L, new BigInteger("1" + "0".repeat(30)))),
            Map.entry("dataSeeds", List.of(0, -5, Integer.MIN_VALUE)),
            Map.entry("pretrainIterations", List.of(-1, 0, 1_000_000_000L, new BigInteger("9223372036854775808"))),
            Map.entry("finetuneIterations", List.of(0, -3, 1_000_000_000L)),
            Map.entry("batchSize", List.of(0, -1, Integer.MIN_VALUE)),
            Map.entry("checkpointEvery", List.of(0, -100)),
            Map.entry("trainSize", List.of(0, -1, 2_000_000)),
            Map.entry("testSize", List.of(0, -1, 2_000_000)),
            Map.entry("singleFeatureSize", List.of(0, 2_000_000)),
            Map.entry("geometryK", List.of(0, -1, 999)),
            Map.entry("convergenceLoss", List.of(-1, 0, -1e300)),
            Map.entry("divergenceMargin", List.of(-0.1, 0.5, 7)),
            Map.entry("barrierLimit", List.of(-0.5, 1.5, 1e308)),
            Map.entry("geometryFlrLow", List.of(0.123, -1)),
            Map.entry("geometryFlrHigh", List.of(0.456, 0)),
            Map.entry("sharpnessProbes", List.of(-1, 10_001)),
            Map.entry("sharpnessIterations", List.of(-2, 1_000_000)),
            Map.entry("convergenceBudget", List.of(-1, 1001, 1e300)),
            Map.entry("refine", List.of(Map.of("rounds", 0, "points", 2), Map.of("rounds", 2, "points", 0),
                    Map.of("rounds", -1, "points", 1), Map.of("rounds", 1_000_000, "points", 1),
                    Map.of("rounds", 2, "points", 10_000), Map.of("rounds", 2), Map.of("points", 3))));
    private static final List<Object> WRONG_TYPES = List.of("abc", "3", "", true, false, List.of(1), Map.of("x", 1),
            "NaN", "Infinity", "-Infinity");
    private static final List<String> BAD_STUDY_IDS = List.of("../other", "../../etc/passwd", "a/b", "/abs", "..",
            ".", ".hidden", "-lead", "a b", "a\\b", "a\nb", "a\u0000b", "tab\there", "é-study", "a:b", "%2e%2e",
            "x".repeat(65), "studies/../../x", "C:\\x", "a*b", "a?b", "\u202Eevil");

    private BadStudyInputs() {
    }

    static List<Case> generate(long seed, int count) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Case> cases = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            cases.add(one(i, r));
        }
        return cases;
    }

    private static Case one(int n, SplittableRandom r) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("preset", "synthetic-quick");
        Map<String, Object> overrides = new LinkedHashMap<>();
        input.put("overrides", overrides);
        switch (r.nextInt(10)) {
            case 0 -> {
                String field = pick(r, concat(INT_FIELDS, DOUBLE_FIELDS, LIST_FIELDS, List.of("setup")));
                Object v = field.equals("setup") ? pick(r, List.of(5, true, List.of("synthetic"), Map.of()))
                        : LIST_FIELDS.contains(field) ? pick(r, List.of("abc", 0.01, Map.of("a", 1), List.of("x"),
                        List.of(true), List.of(List.of(0.1)), "[0.01]")) : pick(r, WRONG_TYPES);
                overrides.put(field, v);
                return new Case(n, "wrong type", input, field);
            }
            case 1 -> {
                boolean inList = r.nextBoolean();
                Object v = pick(r, List.of("NaN", "Infinity", "-Infinity", new BigDecimal("1e400"),
                        new BigDecimal("-1e400")));
                if (inList) {
                    String field = pick(r, List.of("plrs", "flrs"));
                    overrides.put(field, List.of(0.001, v, 0.1));
                    return new Case(n, "not finite", input, field);
                }
                String field = pick(r, DOUBLE_FIELDS);
                overrides.put(field, v);
                return new Case(n, "not finite", input, field);
            }
            case 2 -> {
                String field = pick(r, new ArrayList<>(OUT_OF_RANGE.keySet()).stream().sorted().toList());
                overrides.put(field, pick(r, OUT_OF_RANGE.get(field)));
                return new Case(n, "negative or huge", input, field);
            }
            case 3 -> {
                String field = pick(r, LIST_FIELDS);
                int size = field.equals("swaKs") ? 101 + r.nextInt(2000) : 201 + r.nextInt(5000);
                List<Object> values = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    values.add(field.equals("swaKs") ? (Object) (i + 1) : (Object) ((i + 1) * 1e-6));
                }
                overrides.put(field, values);
                if (field.equals("swaKs")) {
                    overrides.put("pretrainIterations", 1_000_000);
                }
                return new Case(n, "enormous array", input, field);
            }
            case 4 -> {
                if (r.nextBoolean()) {
                    String field = pick(r, List.of("plrz", "studyid", "Preset", "plrs", "forced", "__proto__",
                            "overrides ", "input"));
                    input.put(field, pick(r, List.of(1, "x", List.of(1e-3))));
                    return new Case(n, "unknown field", input, field);
                }
                String field = pick(r, List.of("learningRate", "plr", "Seeds", "seeds ", "epochs", "studyId",
                        "preset", "force"));
                overrides.put(field, pick(r, List.of(1, "x", List.of(1e-3))));
                return new Case(n, "unknown field", input, "overrides." + field);
            }
            case 5 -> {
                String id = pick(r, BAD_STUDY_IDS);
                if (r.nextInt(3) == 0) {
                    // A valid id with a control character or a separator inside, or a dot or dash in front.
                    String base = "study-" + r.nextInt(1000);
                    int at = r.nextInt(base.length());
                    id = r.nextInt(4) == 0 ? pick(r, List.of("..", ".", "-", "_")) + base
                            : base.substring(0, at) + pick(r, List.of("\u0001", "\r", "\u007f", "/", "\\", " ", "\u00a0"))
                            + base.substring(at);
                }
                input.put("studyId", r.nextInt(6) == 0 ? pick(r, List.of(5, true, List.of("a"), Map.of("id", "x")))
                        : id);
                return new Case(n, "study id", input, "studyId");
            }
            case 6 -> {
                input.put("overrides", pick(r, List.of(List.of(), "plrs=[0.01]", 5, true, List.of(List.of("plrs",
                        List.of(1e-3))), "{\"plrs\":[0.01]}")));
                return new Case(n, "overrides not an object", input, "overrides");
            }
            case 7 -> {
                int depth = 10 + r.nextInt(890);
                Object nested = r.nextBoolean() ? 0.01 : Map.of("a", 1);
                for (int i = 0; i < depth; i++) {
                    nested = r.nextBoolean() ? List.of(nested) : Map.of("a", nested);
                }
                String field = pick(r, List.of("plrs", "seeds", "deep"));
                overrides.put(field, nested);
                return new Case(n, "deeply nested", input, field);
            }
            case 8 -> {
                input.put("preset", pick(r, List.of(5, "", " ", "no-such-preset", "synthetic-quick\u0000",
                        "SYNTHETIC-QUICK", List.of("synthetic-quick"), Map.of("name", "synthetic-quick"),
                        "../synthetic-quick")));
                return new Case(n, "bad preset", input, "preset");
            }
            default -> {
                input.put("force", pick(r, List.of("yes", 1, "true", List.of(true), Map.of())));
                return new Case(n, "bad force flag", input, "force");
            }
        }
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T>... lists) {
        List<T> all = new ArrayList<>();
        for (List<T> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    private static <T> T pick(SplittableRandom r, List<T> values) {
        return values.get(r.nextInt(values.size()));
    }
}
