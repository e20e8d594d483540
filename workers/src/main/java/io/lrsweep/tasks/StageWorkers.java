package io.lrsweep.tasks;

import com.netflix.conductor.client.worker.Worker;
import com.netflix.conductor.common.metadata.tasks.Task;
import io.lrsweep.stages.AnalyzeStage;
import io.lrsweep.stages.AverageStage;
import io.lrsweep.stages.FinetuneStage;
import io.lrsweep.stages.PlanStage;
import io.lrsweep.stages.PretrainStage;
import io.lrsweep.stages.ReportStage;
import io.lrsweep.stages.StageOutcome;
import io.lrsweep.stages.StageProgress;
import io.lrsweep.storage.ArtifactStore;
import java.util.List;
import java.util.Map;

/** One worker per task type, each a thin adapter over its stage. */
final class StageWorkers {
    static final String PLAN = "lrsweep_plan";
    static final String PRETRAIN = "lrsweep_pretrain";
    static final String FINETUNE = "lrsweep_finetune";
    static final String AVERAGE = "lrsweep_average";
    static final String ANALYZE = "lrsweep_analyze";
    static final String REPORT = "lrsweep_report";

    private StageWorkers() {
    }

    static List<Worker> all(ArtifactStore store, WorkerHost.Shared shared) {
        PlanStage plan = new PlanStage(store);
        PretrainStage pretrain = new PretrainStage(store);
        FinetuneStage finetune = new FinetuneStage(store);
        AverageStage average = new AverageStage(store);
        AnalyzeStage analyze = new AnalyzeStage(store);
        ReportStage report = new ReportStage(store);
        return List.of(
                new StageWorker(PLAN, shared) {
                    @Override
                    StageOutcome run(Task task, TaskInput in, StageProgress progress) throws Exception {
                        // The whole workflow input, so that a field the study does not know is refused
                        // rather than dropped (the named task inputs carry only the known ones).
                        Map<?, ?> given = task.getInputData().get("input") instanceof Map<?, ?> m ? m
                                : task.getInputData();
                        var input = new java.util.LinkedHashMap<String, Object>();
                        given.forEach((k, v) -> input.put(String.valueOf(k), v));
                        input.remove("force");
                        input.values().removeIf(java.util.Objects::isNull);
                        return plan.run(input, task.getWorkflowInstanceId(), in.flag("force"));
                    }

                    @Override
                    boolean computeBound() {
                        return false;
                    }

                    /** A study without a {@code studyId} input is named after its workflow (see PlanStage). */
                    @Override
                    String studyOf(Task task) {
                        String id = super.studyOf(task);
                        return id.equals("unknown") ? task.getWorkflowInstanceId() : id;
                    }
                },
                new StageWorker(PRETRAIN, shared) {
                    @Override
                    StageOutcome run(Task task, TaskInput in, StageProgress progress) throws Exception {
                        return pretrain.run(in.string("studyId"), in.number("plr"), in.integer("seed"),
                                in.flag("force"), progress);
                    }
                },
                new StageWorker(FINETUNE, shared) {
                    @Override
                    StageOutcome run(Task task, TaskInput in, StageProgress progress) throws Exception {
                        return finetune.run(in.string("studyId"), in.number("plr"), in.integer("seed"),
                                in.number("flr"), in.flag("force"), progress);
                    }
                },
                new StageWorker(AVERAGE, shared) {
                    @Override
                    StageOutcome run(Task task, TaskInput in, StageProgress progress) throws Exception {
                        return average.run(in.string("studyId"), in.number("plr"), in.integer("seed"),
                                in.integer("k"), in.flag("force"), progress);
                    }
                },
                new StageWorker(ANALYZE, shared) {
                    @Override
                    StageOutcome run(Task task, TaskInput in, StageProgress progress) throws Exception {
                        return analyze.run(in.string("studyId"), in.number("plr"), in.integer("seed"),
                                in.flag("force"), progress);
                    }
                },
                new StageWorker(REPORT, shared) {
                    @Override
                    StageOutcome run(Task task, TaskInput in, StageProgress progress) throws Exception {
                        return report.run(in.string("studyId"), in.flag("force"), progress);
                    }
                });
    }
}
