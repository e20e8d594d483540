package io.lrsweep.local;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The persistence a local Conductor server runs on: the server arguments and environment that
 * choose it. Everything database-specific about starting the server is here, nowhere else.
 *
 * @param name what to tell the user, e.g. "SQLite (…/conductor.db)"
 * @param arguments Spring properties given on the server's command line (never a secret: the
 *     command line shows in {@code ps})
 * @param environment variables for the server process (secrets go here)
 */
public record ConductorDatabase(String name, List<String> arguments, Map<String, String> environment) {
    /** The chart's property set for Postgres, also in the jar (see helm/lrsweep/files/conductor/). */
    public static final String POSTGRES_PROPERTIES = "/conductor/postgres.properties";

    /**
     * SQLite in {@code dir}/conductor.db, the server jar's own default persistence, with what it
     * takes to hold a study's fan-out. Measured with {@code lrsweep bench load --seeds 10} (230
     * branches; README, "Failure behaviour"):
     * <ul>
     * <li>One database connection. The server's SQLite DAOs read, then write, in deferred
     * transactions on a pool of ten connections; when another connection commits in between, SQLite
     * (WAL) refuses the stale transaction's write at once with SQLITE_BUSY, whatever busy_timeout
     * says, and the DAOs give up after ten tries: SQLITE_BUSY in the server log in every run (2-38
     * lines), and a study of this size failed with it. One connection serialises the server's
     * database work in its own pool (a fair queue) instead: no SQLITE_BUSY in any run, and less
     * server CPU. (Taking the write lock at BEGIN, {@code transaction_mode=IMMEDIATE}, also ended the
     * failures but made every transaction, reads included, wait in SQLite's sleeping busy handler:
     * half the throughput, and task updates that timed out.)
     * <li>No AI integrations and no scheduler: each of the 17 AI system task types polled its queue
     * every 50 ms, and in SQLite a queue poll is a write (it marks the messages it takes), for tasks
     * a study never has.
     * </ul>
     */
    public static ConductorDatabase sqlite(Path dir) {
        Path db = dir.resolve("conductor.db");
        return new ConductorDatabase("SQLite (" + db + ")",
                List.of("--spring.datasource.url=jdbc:sqlite:" + db + "?busy_timeout=15000&journal_mode=WAL",
                        "--spring.datasource.hikari.maximum-pool-size=1",
                        "--conductor.integrations.ai.enabled=false",
                        "--conductor.scheduler.enabled=false"),
                Map.of());
    }

    /**
     * PostgreSQL for workflows, queues, the index and locks, with the very property file the Helm
     * chart gives its Conductor server ({@code CONDUCTOR_CONFIG_FILE}, copied into {@code dir}); the
     * password reaches the server through its environment, as the chart's Secret does.
     */
    public static ConductorDatabase postgres(LocalPostgres pg, Path dir) throws IOException {
        Path properties = dir.resolve("postgres.properties");
        Files.createDirectories(dir);
        try (InputStream in = ConductorDatabase.class.getResourceAsStream(POSTGRES_PROPERTIES)) {
            if (in == null) {
                throw new IOException(POSTGRES_PROPERTIES + " is missing from the jar (rebuild it with Maven)");
            }
            Files.copy(in, properties, StandardCopyOption.REPLACE_EXISTING);
        }
        return new ConductorDatabase("PostgreSQL (" + pg.jdbcUrl() + ")",
                List.of("--spring.datasource.url=" + pg.jdbcUrl(), "--spring.datasource.username=" + LocalPostgres.USER),
                Map.of("CONDUCTOR_CONFIG_FILE", properties.toString(), "SPRING_DATASOURCE_PASSWORD", pg.password()));
    }

    /** Names the environment variables but never shows their values (one is a password). */
    @Override
    public String toString() {
        return name + " " + arguments + " with " + environment.keySet();
    }
}
