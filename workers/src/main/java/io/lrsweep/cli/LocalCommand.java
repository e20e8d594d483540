package io.lrsweep.cli;

import io.lrsweep.local.ConductorDatabase;
import io.lrsweep.local.LocalConductor;
import io.lrsweep.local.LocalPostgres;
import io.lrsweep.local.LocalPrometheus;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lrsweep local up|down|status}: the local Conductor server. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Start, stop or inspect the local Conductor server (SQLite under .lrsweep/conductor, or a"
                + " throw-away PostgreSQL cluster under .lrsweep/postgres) and, optionally, a local Prometheus"
                + " (.lrsweep/prometheus).",
        subcommands = {LocalCommand.Up.class, LocalCommand.Down.class, LocalCommand.Status.class})
final class LocalCommand implements Runnable {
    /** How often a server watched by Prometheus refreshes its queue-depth and running-workflow gauges. */
    static final Duration QUEUE_METRICS_EVERY = Duration.ofSeconds(15);

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static LocalConductor conductor(int port) {
        return new LocalConductor(Options.home(), port);
    }

    /** The local server as a local Prometheus wants it: queue gauges refreshed every 15 s. */
    static LocalConductor conductor(int port, boolean forPrometheus) {
        return new LocalConductor(Options.home(), port, forPrometheus ? QUEUE_METRICS_EVERY : null);
    }

    /** The local Postgres cluster of `local up --db postgres`. */
    static LocalPostgres postgres(int port) {
        return new LocalPostgres(Options.home(), port);
    }

    /** Which database the local server uses, and where its Postgres listens. */
    static final class DatabaseOption {
        /** The databases `local up` can run Conductor on. */
        enum Kind { SQLITE, POSTGRES }

        @Option(names = "--db", paramLabel = "sqlite|postgres",
                description = "the server's database: sqlite (default) or postgres (Debian's PostgreSQL, a throw-away"
                        + " cluster started by this command, with the Helm chart's Conductor properties)",
                defaultValue = "SQLITE")
        Kind kind;

        @Mixin
        PostgresPort port = new PostgresPort();
    }

    /** Port option of the local Postgres. */
    static final class PostgresPort {
        @Option(names = "--postgres-port", paramLabel = "PORT",
                description = "port of the local PostgreSQL on 127.0.0.1 (env LRSWEEP_POSTGRES_PORT; default"
                        + " ${DEFAULT-VALUE})", defaultValue = "${env:LRSWEEP_POSTGRES_PORT:-55432}")
        int port;
    }

    /** Port option of the local server. */
    static final class PortOption {
        @Option(names = "--port", description = "port on 127.0.0.1 (env LRSWEEP_CONDUCTOR_PORT; default ${DEFAULT-VALUE})",
                defaultValue = "${env:LRSWEEP_CONDUCTOR_PORT:-8080}")
        int port;
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start the Conductor server, wait until healthy, register lrsweep's definitions;"
                    + " with --with-prometheus also a local Prometheus.")
    static final class Up implements Callable<Integer> {
        @Mixin
        PortOption port = new PortOption();

        @Mixin
        Options.Prometheus prometheus = new Options.Prometheus();

        @Mixin
        DatabaseOption db = new DatabaseOption();

        @Override
        public Integer call() throws Exception {
            ConductorDatabase database = ConductorDatabase.sqlite(LocalConductor.directory(Options.home()));
            if (db.kind == DatabaseOption.Kind.POSTGRES) {
                LocalPostgres pg = postgres(db.port.port);
                pg.up(System.out);
                database = ConductorDatabase.postgres(pg, LocalConductor.directory(Options.home()));
            }
            LocalConductor c = new LocalConductor(Options.home(), port.port,
                    prometheus.enabled ? QUEUE_METRICS_EVERY : null, database);
            c.up(System.out);
            c.api().registerDefinitions();
            System.out.println("Workflow definitions registered (lrsweep_study, lrsweep_branch).");
            if (prometheus.enabled) {
                LocalPrometheus p = prometheus.port.local(port.port);
                p.up(System.out);
                System.out.println("Prometheus: " + p.url() + " (workers started with ./lrsweep worker are scraped"
                        + " automatically; dashboards in monitoring/grafana)");
            }
            return 0;
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true,
            description = "Stop the local Conductor server and the local Prometheus, if they run.")
    static final class Down implements Callable<Integer> {
        @Mixin
        PortOption port = new PortOption();

        @Mixin
        Options.PrometheusPort prometheus = new Options.PrometheusPort();

        @Mixin
        PostgresPort postgresPort = new PostgresPort();

        @Override
        public Integer call() throws Exception {
            prometheus.local(port.port).down(System.out);
            conductor(port.port).down(System.out);
            postgres(postgresPort.port).down(System.out);
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Are the local Conductor server and Prometheus up?")
    static final class Status implements Callable<Integer> {
        @Mixin
        PortOption port = new PortOption();

        @Mixin
        Options.PrometheusPort prometheus = new Options.PrometheusPort();

        @Mixin
        PostgresPort postgresPort = new PostgresPort();

        @Override
        public Integer call() throws Exception {
            System.out.println("Conductor " + conductor(port.port).status());
            System.out.println("Prometheus " + prometheus.local(port.port).status());
            System.out.println("PostgreSQL " + postgres(postgresPort.port).status());
            return 0;
        }
    }
}
