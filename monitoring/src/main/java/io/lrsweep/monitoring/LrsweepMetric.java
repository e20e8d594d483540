package io.lrsweep.monitoring;

import java.util.List;

/**
 * The metric catalogue: every metric the workers export under the {@code lrsweep_} prefix, with
 * its Prometheus name, type, labels and meaning. monitoring/README.md documents the same list and
 * a test keeps the two in step.
 */
public enum LrsweepMetric {
    STAGE_RUNS("lrsweep.stage.runs", "lrsweep_stage_runs_total", Type.COUNTER, null,
            List.of("study", "stage", "outcome"), "Stage executions that ended, by outcome (completed, cached, failed, stopped)"),
    STAGE_DURATION("lrsweep.stage.duration", "lrsweep_stage_duration_seconds", Type.TIMER, null,
            List.of("study", "stage", "outcome"), "Wall time of a stage execution, by outcome"),
    STAGE_ACTIVE("lrsweep.stage.active", "lrsweep_stage_active_seconds", Type.LONG_TASK_TIMER, null,
            List.of("study", "stage"), "Stage executions in flight (_count) and how long they have run (_sum, _max)"),
    STAGE_RETRIES("lrsweep.stage.retries", "lrsweep_stage_retries_total", Type.COUNTER, null,
            List.of("study", "stage"), "Stage executions that were a Conductor retry of an earlier attempt"),
    TRAIN_EPOCH("lrsweep.train.epoch", "lrsweep_train_epoch", Type.GAUGE, null,
            List.of("study", "stage", "plr", "flr", "seed"), "Epochs finished by a training run in flight"),
    TRAIN_LOSS("lrsweep.train.loss", "lrsweep_train_loss", Type.GAUGE, null,
            List.of("study", "stage", "plr", "flr", "seed"), "Epoch-mean training loss of a run in flight"),
    TRAIN_ACCURACY("lrsweep.train.accuracy", "lrsweep_train_accuracy_ratio", Type.GAUGE, "ratio",
            List.of("study", "stage", "plr", "flr", "seed"), "Epoch-mean training accuracy of a run in flight"),
    TEST_ACCURACY("lrsweep.test.accuracy", "lrsweep_test_accuracy_ratio", Type.GAUGE, "ratio",
            List.of("study", "stage", "plr", "flr", "seed"), "Test accuracy of a training run when it ended"),
    TRAIN_SAMPLES("lrsweep.train.samples", "lrsweep_train_samples_total", Type.COUNTER, null,
            List.of("study", "stage", "plr"), "Training samples processed (SGD steps times batch size)"),
    TRAIN_STEP_DURATION("lrsweep.train.step.duration", "lrsweep_train_step_duration_seconds", Type.TIMER, null,
            List.of("stage"), "Compute time of one SGD step (forward, backward, update, projection)"),
    CHECKPOINT_BYTES("lrsweep.checkpoint", "lrsweep_checkpoint_bytes_total", Type.COUNTER, "bytes",
            List.of("stage"), "Bytes of checkpoints written to the artifact store"),
    CHECKPOINT_UPLOAD_DURATION("lrsweep.checkpoint.upload.duration", "lrsweep_checkpoint_upload_duration_seconds",
            Type.TIMER, null, List.of("stage"), "Time to write one checkpoint to the artifact store"),
    ANALYSIS_BARRIER("lrsweep.analysis.barrier", "lrsweep_analysis_barrier_ratio", Type.GAUGE, "ratio",
            List.of("study", "plr", "seed", "pair", "split"), "Error barrier on the segment between the pair's points"),
    ANALYSIS_ANGLE("lrsweep.analysis.angle", "lrsweep_analysis_angle_radians", Type.GAUGE, "radians",
            List.of("study", "plr", "seed", "pair"), "Angle between the pair's SI parameters"),
    ANALYSIS_TEST_ACCURACY("lrsweep.analysis.test.accuracy", "lrsweep_analysis_test_accuracy_ratio", Type.GAUGE,
            "ratio", List.of("study", "plr", "seed", "point", "flr", "k"),
            "Final test accuracy of a point (pretrain, finetune with flr, average over k)"),
    WORKER_INFO("lrsweep.worker.info", "lrsweep_worker_info", Type.GAUGE, null,
            List.of("worker", "gpu_uuid", "domain"), "Always 1; joins a worker to its GPU (DCGM's UUID label)"),
    WORKER_COMPUTE_SLOTS("lrsweep.worker.compute.slots", "lrsweep_worker_compute_slots", Type.GAUGE, null,
            List.of("state"), "Compute slots of the worker process, busy or idle"),
    CONDUCTOR_POLLS("lrsweep.conductor.polls", "lrsweep_conductor_polls_total", Type.COUNTER, null,
            List.of("task_type", "outcome"), "Poll attempts of the Conductor client (completed, failed, paused)"),
    CONDUCTOR_EXECUTIONS("lrsweep.conductor.executions", "lrsweep_conductor_executions_total", Type.COUNTER, null,
            List.of("task_type", "outcome"), "Task executions the client ran (completed, or failed by an exception)"),
    CONDUCTOR_TASK_UPDATES("lrsweep.conductor.task.updates", "lrsweep_conductor_task_updates_total", Type.COUNTER, null,
            List.of("task_type", "outcome"), "Task results sent back to the server (completed, failed)"),
    CONDUCTOR_QUEUE_FULL("lrsweep.conductor.queue.full", "lrsweep_conductor_queue_full_total", Type.COUNTER, null,
            List.of("task_type"), "Polls skipped because every execution thread of the task type was busy");

    /** How a metric is exposed to Prometheus. */
    public enum Type {
        COUNTER, GAUGE, TIMER, LONG_TASK_TIMER
    }

    private final String meterName;
    private final String prometheusName;
    private final Type type;
    private final String baseUnit;
    private final List<String> labels;
    private final String help;

    LrsweepMetric(String meterName, String prometheusName, Type type, String baseUnit, List<String> labels,
                  String help) {
        this.meterName = meterName;
        this.prometheusName = prometheusName;
        this.type = type;
        this.baseUnit = baseUnit;
        this.labels = labels;
        this.help = help;
    }

    /** The Micrometer name (dotted; the Prometheus registry adds unit and {@code _total} suffixes). */
    public String meterName() {
        return meterName;
    }

    public String prometheusName() {
        return prometheusName;
    }

    public Type type() {
        return type;
    }

    /** The unit Micrometer appends to the name ("ratio", "radians", "bytes"); null for timers and plain numbers. */
    public String baseUnit() {
        return baseUnit;
    }

    public List<String> labels() {
        return labels;
    }

    public String help() {
        return help;
    }
}
