package io.lrsweep.study;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StudyResolverTest {

    private static Map<String, Object> input(String preset, Map<String, Object> overrides) {
        Map<String, Object> in = new HashMap<>();
        in.put("preset", preset);
        if (overrides != null) {
            in.put("overrides", overrides);
        }
        return in;
    }

    @Test
    void everyPresetIsValid() {
        for (String name : Presets.names()) {
            StudyConfig c = StudyResolver.resolve(input(name, null), "id-1");
            assertThat(c.studyId()).isEqualTo("id-1");
            assertThat(c.preset()).isEqualTo(name);
        }
    }

    @Test
    void theQuickPresetSpansTheGridAndThePaperPresetIsTheFullProtocol() {
        StudyConfig quick = Presets.find("synthetic-quick").orElseThrow();
        assertThat(quick.plrs()).hasSizeGreaterThanOrEqualTo(8);
        assertThat(quick.seeds()).isGreaterThanOrEqualTo(3);
        assertThat(Presets.SYNTHETIC_PAPER_PLRS).containsAll(quick.plrs());
        StudyConfig paper = Presets.find("synthetic-paper").orElseThrow();
        assertThat(paper.plrs()).hasSize(23);
        assertThat(paper.seeds()).isEqualTo(50);
        assertThat(paper.dataSeeds()).isEqualTo(5);
        assertThat(paper.pretrainIterations()).isEqualTo(40_000);
        assertThat(paper.finetuneIterations()).isEqualTo(20_000);
        // The FLRs of the authors' fine-tuning figure; the low and high ones are the geometry pair.
        assertThat(paper.flrs()).containsExactly(3.16e-5, 1.78e-4, 1e-3, 3.16e-3, 7.5e-3);
        assertThat(List.of(paper.geometryFlrLow(), paper.geometryFlrHigh())).containsExactly(3.16e-5, 7.5e-3);
        assertThat(paper.swaKs()).containsExactly(2, 5, 10, 20, 50);
    }

    @Test
    void theImagePaperPresetsCarryThePapersModelsGridsAndLengths() {
        Map<String, List<Object>> expected = Map.of(
                "cifar10-si-resnet18-paper", List.of("cifar10", "si-resnet18", 32, 1e-5, 3e-4),
                "cifar10-si-convnet-paper", List.of("cifar10", "si-convnet", 32, 1e-5, 5e-4),
                "cifar100-si-convnet-paper", List.of("cifar100", "si-convnet", 128, 1e-5, 2e-4),
                "cifar100-si-resnet18-paper", List.of("cifar100", "si-resnet18", 32, 2e-5, 1e-4));
        expected.forEach((name, e) -> {
            StudyConfig c = Presets.find(name).orElseThrow();
            assertThat(List.<Object>of(c.dataset(), c.model(), c.width(), c.geometryFlrLow(), c.geometryFlrHigh()))
                    .as(name).isEqualTo(e);
            assertThat(c.kind()).isEqualTo(SetupKind.IMAGE);
            // The main setup's grid ends at 0.1; the authors' grids of the others run to 1.0 (regime 3).
            assertThat(c.plrs()).startsWith(1e-5).endsWith(name.equals("cifar10-si-resnet18-paper") ? 1e-1 : 1.0)
                    .hasSize(name.equals("cifar10-si-resnet18-paper") ? 25 : 31);
            assertThat(c.pretrainEpochs()).isEqualTo(200);
            assertThat(c.finetuneEpochs()).isEqualTo(200);
            assertThat(c.recentEpochs()).isEqualTo(20);
            assertThat(c.batchSize()).isEqualTo(128);
            assertThat(c.swaKs()).containsExactly(2, 5, 10, 50, 100);
            assertThat(c.geometryK()).isEqualTo(5);
            assertThat(c.trainSize()).as("the whole training set").isZero();
        });
        StudyConfig practical = Presets.find("cifar10-resnet18-practical").orElseThrow();
        assertThat(practical.model()).isEqualTo("resnet18");
        assertThat(practical.width()).isEqualTo(64);
        assertThat(practical.momentum()).isEqualTo(0.9);
        assertThat(practical.weightDecay()).isEqualTo(5e-4);
        assertThat(practical.plrs()).startsWith(1e-4).endsWith(1.0);
        assertThat(practical.flrs()).containsExactly(1e-4, 2e-3);
        StudyConfig quick = Presets.find("fashion-mnist-si-convnet-quick").orElseThrow();
        assertThat(quick.dataset()).isEqualTo("fashion-mnist");
        assertThat(quick.plrs()).hasSizeGreaterThanOrEqualTo(7);
        assertThat(quick.chance()).isEqualTo(0.1);
    }

    @Test
    void overridesReplacePresetFields() {
        StudyConfig c = StudyResolver.resolve(input("synthetic-quick",
                Map.of("plrs", List.of(1e-3, 2e-2), "seeds", 2, "pretrainIterations", 6000)), "x");
        assertThat(c.plrs()).containsExactly(1e-3, 2e-2);
        assertThat(c.seeds()).isEqualTo(2);
        assertThat(c.pretrainIterations()).isEqualTo(6000);
        assertThat(c.flrs()).isEqualTo(Presets.find("synthetic-quick").orElseThrow().flrs());
    }

    @Test
    void aNegativePlrIsRefusedNamingTheField() {
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick",
                Map.of("plrs", List.of(1e-3, -0.1))), "x"))
                .isInstanceOf(InvalidStudyException.class)
                .hasMessageStartingWith("plrs[1]: -0.1 is not a positive");
    }

    @Test
    void anUnknownPresetIsRefusedListingTheKnownOnes() {
        assertThatThrownBy(() -> StudyResolver.resolve(input("cifar-magic", null), "x"))
                .isInstanceOf(InvalidStudyException.class)
                .hasMessageContaining("preset: unknown preset 'cifar-magic'")
                .hasMessageContaining("synthetic-quick");
        assertThatThrownBy(() -> StudyResolver.resolve(new HashMap<>(), "x")).hasMessageStartingWith("preset:");
    }

    @Test
    void anEmptyGridIsRefused() {
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("plrs", List.of())), "x"))
                .hasMessageStartingWith("plrs: must not be empty");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("flrs", List.of())), "x"))
                .hasMessageStartingWith("flrs: must not be empty");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("swaKs", List.of())), "x"))
                .hasMessageStartingWith("swaKs: must not be empty");
    }

    @Test
    void unknownFieldsAndWrongTypesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("lr", 1)), "x"))
                .hasMessageStartingWith("overrides.lr: unknown field");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("seeds", "three")), "x"))
                .hasMessageStartingWith("overrides.seeds: has the wrong type");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("seeds", 2.5)), "x"))
                .hasMessageStartingWith("overrides.seeds");
        Map<String, Object> extra = input("synthetic-quick", null);
        extra.put("plr", 1);
        assertThatThrownBy(() -> StudyResolver.resolve(extra, "x")).hasMessageStartingWith("plr: unknown input field");
    }

    @Test
    void numbersGivenAsTextOrFlagsAndAbsurdSizesAreRefusedNamingTheField() {
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("seeds", "3")), "x"))
                .hasMessageStartingWith("overrides.seeds: has the wrong type");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("plrs", List.of("0.01"))), "x"))
                .hasMessageStartingWith("overrides.plrs[0]: has the wrong type");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("batchSize", true)), "x"))
                .hasMessageStartingWith("overrides.batchSize: has the wrong type");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("seeds", 1000,
                "plrs", java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> i * 1e-3).toList())), "x"))
                .hasMessageStartingWith("seeds: 1000 seeds × 20 PLRs = 20000 branches");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("pretrainIterations",
                1_000_000_000_000L)), "x")).hasMessageStartingWith("pretrainIterations: 1000000000000 must be at most");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("swaKs",
                java.util.stream.IntStream.rangeClosed(1, 101).boxed().toList())), "x"))
                .hasMessageStartingWith("swaKs: 101 values");
        // Text stays text: a data source is a string.
        assertThat(StudyResolver.resolve(input("fashion-mnist-si-convnet-quick", Map.of("dataSource", "/data/fm")),
                "x").dataSource()).isEqualTo("/data/fm");
    }

    @Test
    void inconsistentSettingsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("geometryK", 3)), "x"))
                .hasMessageStartingWith("geometryK: 3 is not one of swaKs");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("pretrainIterations", 1000)), "x"))
                .hasMessageStartingWith("pretrainIterations: 1000 is shorter than the SWA window");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("twoStagePlrs",
                List.of(1e-3, 1e-2))), "x")).hasMessageStartingWith("twoStagePlrs:").hasMessageContaining("first larger");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("convergenceBudget", -1)), "x"))
                .hasMessageStartingWith("convergenceBudget:");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("plrs", List.of(0.1, 0.1))), "x"))
                .hasMessageStartingWith("plrs[1]: 0.1 appears twice");
    }

    @Test
    void refinementIsOffByDefaultOnInTheAdaptivePresetAndGivenAsAnOverride() {
        StudyConfig quick = StudyResolver.resolve(input("synthetic-quick", null), "x");
        assertThat(quick.refine()).isNull();
        StudyConfig adaptive = StudyResolver.resolve(input("synthetic-adaptive", null), "x");
        assertThat(adaptive.refine()).isNotNull();
        // Six log-spaced PLRs from 1e-4 to 1.0, the rest as synthetic-quick.
        assertThat(adaptive.plrs()).hasSize(6).startsWith(1e-4).endsWith(1.0);
        for (int i = 1; i < adaptive.plrs().size(); i++) {
            assertThat(Math.log10(adaptive.plrs().get(i) / adaptive.plrs().get(i - 1))).isCloseTo(0.8,
                    within(0.005));
        }
        assertThat(adaptive).usingRecursiveComparison().ignoringFields("preset", "plrs", "refine").isEqualTo(quick);
        StudyConfig given = StudyResolver.resolve(input("synthetic-quick", Map.of("refine", Map.of("rounds", 2,
                "points", 3))), "x");
        assertThat(given.refine()).isEqualTo(new Refine(2, 3));
        Map<String, Object> off = new HashMap<>();
        off.put("refine", null);
        assertThat(StudyResolver.resolve(input("synthetic-adaptive", off), "x").refine()).isNull();
    }

    @Test
    void badRefinementsAreRefusedNamingTheField() {
        Map<Map<String, Object>, String> bad = Map.of(
                Map.of("rounds", 0, "points", 2), "refine.rounds: 0 must be at least 1",
                Map.of("rounds", 11, "points", 2), "refine.rounds: 11 must be at most 10",
                Map.of("rounds", 2), "overrides.refine.points: has the wrong type",
                Map.of("rounds", 2, "points", 21), "refine.points: 21 must be at most 20",
                Map.of("rounds", 2, "points", 2, "steps", 1), "overrides.refine.steps: has the wrong type",
                Map.of("rounds", "2", "points", 2), "overrides.refine.rounds: has the wrong type");
        bad.forEach((refine, message) -> assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick",
                Map.of("refine", refine)), "x")).as(refine.toString()).hasMessageStartingWith(message));
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("refine", 3)), "x"))
                .hasMessageStartingWith("overrides.refine: has the wrong type");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("plrs", List.of(0.01),
                "refine", Map.of("rounds", 1, "points", 1))), "x")).hasMessageStartingWith("refine: needs at least two");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("refine", Map.of("rounds", 10,
                "points", 20))), "x")).hasMessageStartingWith("refine: 12 plrs + 10 rounds × 20 points = 212 PLRs");
        assertThatThrownBy(() -> StudyResolver.resolve(input("synthetic-quick", Map.of("seeds", 800, "refine",
                Map.of("rounds", 2, "points", 1))), "x")).hasMessageStartingWith("refine: 14 PLRs after refinement");
    }

    @Test
    void studyIdsThatWouldEscapeTheStorePrefixAreRefused() {
        for (String bad : List.of("../other", "a/b", "/abs", ".hidden", "x".repeat(65), "bad\nid", "")) {
            Map<String, Object> in = input("synthetic-quick", null);
            in.put("studyId", bad);
            if (bad.isEmpty()) {
                // Empty means "use the workflow id".
                assertThat(StudyResolver.resolve(in, "wf-1").studyId()).isEqualTo("wf-1");
                continue;
            }
            assertThatThrownBy(() -> StudyResolver.resolve(in, "x")).as(bad).hasMessageStartingWith("studyId:");
        }
    }
}
