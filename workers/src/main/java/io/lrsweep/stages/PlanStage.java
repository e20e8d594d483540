package io.lrsweep.stages;

import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.study.StudyConfig;
import io.lrsweep.study.StudyResolver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates the study input, writes {@code study.json}, and lays out the dynamic forks: one branch
 * sub-workflow per (PLR, seed), and inside each branch one fine-tune task per FLR and one
 * averaging task per K.
 */
public final class PlanStage {
    public static final String NAME = "plan";
    public static final String BRANCH_WORKFLOW = "lrsweep_branch";
    public static final String FINETUNE_TASK = "lrsweep_finetune";
    public static final String AVERAGE_TASK = "lrsweep_average";
    private final ArtifactStore store;

    public PlanStage(ArtifactStore store) {
        this.store = store;
    }

    /** {@code input} is the study workflow's input; {@code fallbackStudyId} names it when the input does not. */
    public StageOutcome run(Map<String, Object> input, String fallbackStudyId, boolean force) throws IOException {
        StudyConfig config = StudyResolver.resolve(input, fallbackStudyId);
        Studies.saveNew(store, config);
        List<Map<String, Object>> tasks = new ArrayList<>();
        Map<String, Object> taskInputs = new LinkedHashMap<>();
        int i = 0;
        for (double plr : config.plrs()) {
            for (int seed = 0; seed < config.seeds(); seed++) {
                String ref = "branch_" + i++;
                tasks.add(Map.of("name", BRANCH_WORKFLOW, "taskReferenceName", ref, "type", "SUB_WORKFLOW",
                        "subWorkflowParam", Map.of("name", BRANCH_WORKFLOW, "version", 1)));
                Map<String, Object> branchInput = new LinkedHashMap<>();
                branchInput.put("studyId", config.studyId());
                branchInput.put("plr", plr);
                branchInput.put("seed", seed);
                branchInput.put("force", force);
                branchInput.putAll(branchFork(config, plr, seed, force));
                taskInputs.put(ref, branchInput);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("stage", NAME);
        out.put("outcome", "completed");
        out.put("studyId", config.studyId());
        out.put("study", StudyLayout.studyJson(config.studyId()));
        out.put("branches", tasks.size());
        out.put("dynamicTasks", tasks);
        out.put("dynamicTasksInput", taskInputs);
        return new StageOutcome(NAME, false, out);
    }

    private static Map<String, Object> branchFork(StudyConfig c, double plr, int seed, boolean force) {
        List<Map<String, Object>> tasks = new ArrayList<>();
        Map<String, Object> inputs = new LinkedHashMap<>();
        for (int j = 0; j < c.flrs().size(); j++) {
            String ref = "finetune_" + j;
            tasks.add(Map.of("name", FINETUNE_TASK, "taskReferenceName", ref, "type", "SIMPLE"));
            inputs.put(ref, Map.of("studyId", c.studyId(), "plr", plr, "seed", seed, "flr", c.flrs().get(j),
                    "force", force));
        }
        for (int k : c.swaKs()) {
            String ref = "average_k" + k;
            tasks.add(Map.of("name", AVERAGE_TASK, "taskReferenceName", ref, "type", "SIMPLE"));
            inputs.put(ref, Map.of("studyId", c.studyId(), "plr", plr, "seed", seed, "k", k, "force", force));
        }
        return Map.of("stageTasks", tasks, "stageInputs", inputs);
    }
}
