package io.lrsweep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lrsweep.local.LocalPrometheus;
import io.lrsweep.local.ScrapeTargets;
import io.lrsweep.monitoring.MetricsEndpoint;
import io.lrsweep.monitoring.WorkerMetrics;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.ArtifactStores;
import io.lrsweep.storage.S3Settings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options shared by several commands; each also reads an environment variable. */
final class Options {
    private Options() {
    }

    /** Where the Conductor server is. */
    static final class Conductor {
        @Option(names = "--conductor", paramLabel = "URL",
                description = "Conductor server URL (env LRSWEEP_CONDUCTOR_URL; default ${DEFAULT-VALUE})",
                defaultValue = "${env:LRSWEEP_CONDUCTOR_URL:-http://127.0.0.1:8080}")
        String url;
    }

    /** Where the artifacts go. */
    static final class Store {
        @Option(names = "--store", paramLabel = "URI",
                description = "artifact store: s3://bucket/prefix, a directory or file:///path (env LRSWEEP_STORE;"
                        + " default <home>/store, home = $LRSWEEP_HOME or .lrsweep)",
                defaultValue = "${env:LRSWEEP_STORE:-}")
        String uri;

        @Option(names = "--s3-endpoint", paramLabel = "URL", description = "S3 endpoint (env LRSWEEP_S3_ENDPOINT)")
        String s3Endpoint;

        @Option(names = "--s3-region", description = "S3 region (env LRSWEEP_S3_REGION, AWS_REGION; default us-east-1)")
        String s3Region;

        @Option(names = "--s3-path-style", arity = "1", paramLabel = "true|false",
                description = "path-style bucket addressing (env LRSWEEP_S3_PATH_STYLE; default true except on AWS)")
        Boolean s3PathStyle;

        @Option(names = "--s3-create-bucket", description = "create the bucket if missing (env LRSWEEP_S3_CREATE_BUCKET)")
        boolean s3CreateBucket;

        /** Opens the store; S3 credentials come from the environment only (a flag would show in ps and shell history). */
        ArtifactStore open() throws IOException {
            Map<String, String> env = new HashMap<>(System.getenv());
            if (s3Endpoint != null) {
                env.put(S3Settings.ENDPOINT, s3Endpoint);
            }
            if (s3Region != null) {
                env.put(S3Settings.REGION, s3Region);
            }
            if (s3PathStyle != null) {
                env.put(S3Settings.PATH_STYLE, s3PathStyle.toString());
            }
            if (s3CreateBucket) {
                env.put(S3Settings.CREATE_BUCKET, "true");
            }
            return ArtifactStores.open(uri == null || uri.isBlank() ? home().resolve("store").toString() : uri, env);
        }
    }

    /** Where a worker process serves its metrics. */
    static final class Metrics {
        @Option(names = "--metrics-port", paramLabel = "PORT",
                description = "serve Prometheus metrics at http://ADDRESS:PORT/metrics (env LRSWEEP_METRICS_PORT;"
                        + " default ${DEFAULT-VALUE}; 0 = any free port, -1 = no endpoint)",
                defaultValue = "${env:LRSWEEP_METRICS_PORT:-" + MetricsEndpoint.DEFAULT_PORT + "}")
        int port;

        @Option(names = "--metrics-address", paramLabel = "ADDRESS",
                description = "interface of the metrics endpoint (env LRSWEEP_METRICS_ADDRESS; default 127.0.0.1;"
                        + " 0.0.0.0 for every interface, as Prometheus in a cluster needs)", defaultValue = "${env:LRSWEEP_METRICS_ADDRESS:-}")
        String address;

        /**
         * Serves {@code metrics} unless the port is -1, and announces the endpoint to a local
         * Prometheus (see {@link ScrapeTargets}).
         *
         * @return what stops serving
         */
        AutoCloseable serve(WorkerMetrics metrics, String defaultAddress, PrintStream out) throws IOException {
            if (port == -1) {
                return () -> {
                };
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("--metrics-port " + port + ": expected 0..65535, or -1 for none");
            }
            MetricsEndpoint endpoint = MetricsEndpoint.start(metrics,
                    address == null || address.isBlank() ? defaultAddress : address, port);
            Optional<AutoCloseable> announced = new ScrapeTargets(home()).announce(endpoint.port());
            out.println("Metrics at " + endpoint.url()
                    + announced.map(a -> " (announced to the local Prometheus)").orElse(""));
            return () -> {
                if (announced.isPresent()) {
                    announced.get().close();
                }
                endpoint.close();
            };
        }
    }

    /** Where the local Prometheus listens. */
    static final class PrometheusPort {
        @Option(names = "--prometheus-port", paramLabel = "PORT",
                description = "port of the local Prometheus (env LRSWEEP_PROMETHEUS_PORT; default ${DEFAULT-VALUE})",
                defaultValue = "${env:LRSWEEP_PROMETHEUS_PORT:-" + LocalPrometheus.DEFAULT_PORT + "}")
        int port;

        LocalPrometheus local(int conductorPort) {
            return new LocalPrometheus(home(), port, conductorPort, Duration.ofSeconds(1));
        }
    }

    /** Whether to run a local Prometheus, and where. */
    static final class Prometheus {
        @Option(names = "--with-prometheus",
                description = "also start Debian's Prometheus (if installed) on 127.0.0.1, scraping Conductor and the"
                        + " local workers, with lrsweep's alert rules")
        boolean enabled;

        @Mixin
        PrometheusPort port = new PrometheusPort();
    }

    /** Where image models run. */
    static final class DeviceChoice {
        @Option(names = "--device", paramLabel = "cpu|gpu|auto", description = "where image stages train: cpu, gpu or"
                + " auto, the first GPU libtorch sees (env LRSWEEP_DEVICE; default ${DEFAULT-VALUE})",
                defaultValue = "${env:LRSWEEP_DEVICE:-auto}")
        String device;

        /** The context of this process; data set archives are cached under {@code <home>/datasets}. */
        ComputeContext open(int slots) {
            return ComputeContext.of(device, slots, home().resolve("datasets"));
        }
    }

    /** What the stages of this process compute with: the device and the number of compute slots. */
    static final class Compute {
        @Mixin
        DeviceChoice device = new DeviceChoice();

        @Option(names = "--parallel", description = "compute-bound stages at once (env LRSWEEP_PARALLEL; default:"
                + " cores)", defaultValue = "${env:LRSWEEP_PARALLEL:-0}")
        int parallel;

        /** The context of this process, with {@code --parallel} compute slots. */
        ComputeContext open() {
            return device.open(parallel > 0 ? parallel : Runtime.getRuntime().availableProcessors());
        }
    }

    /** The local state directory (Conductor data, default store, data set cache). */
    static Path home() {
        String h = System.getenv("LRSWEEP_HOME");
        return Path.of(h == null || h.isBlank() ? ".lrsweep" : h);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code key=value} pairs; values are JSON where they parse as JSON ({@code plrs=[1e-3,1e-2]}), else strings. */
    static Map<String, Object> overrides(List<String> sets) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (sets == null) {
            return out;
        }
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--set " + s + ": expected key=value");
            }
            String key = s.substring(0, eq).trim();
            String raw = s.substring(eq + 1).trim();
            Object value;
            try {
                value = JSON.readValue(raw, Object.class);
            } catch (IOException e) {
                value = raw;
            }
            out.put(key, value);
        }
        return out;
    }
}
