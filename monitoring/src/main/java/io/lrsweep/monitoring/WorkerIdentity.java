package io.lrsweep.monitoring;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Who a worker is, for {@code lrsweep_worker_info}: its name, the GPU it uses (the UUID that
 * NVIDIA's DCGM exporter puts in its {@code UUID} label, "none" on CPU) and the task domain it polls.
 */
public record WorkerIdentity(String worker, String gpuUuid, String domain) {
    private static final Pattern GPU_UUID = Pattern.compile("GPU-[0-9a-fA-F-]{8,}");

    /**
     * From the environment: {@code LRSWEEP_WORKER_NAME}, else {@code HOSTNAME} (the pod name on
     * Kubernetes), else the host name; {@code LRSWEEP_GPU_UUID}, else the first UUID in
     * {@code NVIDIA_VISIBLE_DEVICES} (set by NVIDIA's device plugin), else "none".
     */
    public static WorkerIdentity of(String domain, Map<String, String> env) {
        String name = firstNonBlank(env.get("LRSWEEP_WORKER_NAME"), env.get("HOSTNAME"), hostName());
        String gpu = env.get("LRSWEEP_GPU_UUID");
        if (gpu == null || gpu.isBlank()) {
            gpu = LabelValues.NONE;
            String visible = env.getOrDefault("NVIDIA_VISIBLE_DEVICES", "");
            for (String d : visible.split(",")) {
                if (GPU_UUID.matcher(d.trim()).matches()) {
                    gpu = d.trim();
                    break;
                }
            }
        }
        return new WorkerIdentity(name, gpu, domain == null || domain.isBlank() ? LabelValues.NONE : domain);
    }

    public static WorkerIdentity of(String domain) {
        return of(domain, System.getenv());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "worker";
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return "worker";
    }
}
