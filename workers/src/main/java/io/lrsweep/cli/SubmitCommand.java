package io.lrsweep.cli;

import io.lrsweep.study.StudyResolver;
import io.lrsweep.tasks.ConductorApi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lrsweep submit}: starts a study and prints its workflow id. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Start a study (workflow lrsweep_study) and print its id.")
final class SubmitCommand implements Callable<Integer> {
    @Mixin
    Options.Conductor conductor = new Options.Conductor();

    @Option(names = "--preset", required = true, description = "preset name, e.g. synthetic-quick, synthetic-paper")
    String preset;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a study field (JSON values), repeatable")
    List<String> sets;

    @Option(names = "--study-id", description = "study id (default: the workflow id)")
    String studyId;

    @Option(names = "--wait", description = "show the study's progress until it ends; exit 1 unless it completed")
    boolean wait;

    @Option(names = "--domain", description = "route tasks to this worker domain, e.g. gpu")
    String domain;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> input = input(preset, sets, studyId);
        ConductorApi api = new ConductorApi(conductor.url);
        api.registerDefinitions();
        String id = api.startStudy(input, domain == null ? Map.of() : Map.of("*", domain));
        System.out.println(id);
        return wait ? StudyWait.follow(api, id) : 0;
    }

    /** The workflow input, validated here first so that mistakes show before anything starts. */
    static Map<String, Object> input(String preset, List<String> sets, String studyId) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("preset", preset);
        Map<String, Object> overrides = Options.overrides(sets);
        if (!overrides.isEmpty()) {
            input.put("overrides", overrides);
        }
        if (studyId != null) {
            input.put("studyId", studyId);
        }
        StudyResolver.resolve(input, "check-only");
        return input;
    }
}
