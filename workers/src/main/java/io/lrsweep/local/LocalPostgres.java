package io.lrsweep.local;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL cluster (Debian's server binaries) for the local Conductor server:
 * listening on 127.0.0.1 only, password login over TCP, the socket in a private directory. Postgres
 * refuses to run as root, so under root every command runs as the {@code postgres} user and the
 * cluster lives where that user can reach it.
 */
public final class LocalPostgres {
    /** The database and login the local Conductor server uses. */
    public static final String DATABASE = "conductor";
    public static final String USER = "lrsweep";
    private static final String POSTGRES_USER = "postgres";
    private final Path home;
    private final int port;

    public LocalPostgres(Path home, int port) {
        this.home = home.toAbsolutePath();
        this.port = port;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The login's password, made when the cluster was created; only the cluster's owner can read it. */
    public String password() throws IOException {
        return Files.readString(passwordFile()).strip();
    }

    /**
     * Where the cluster lives: {@code <home>/postgres}, or, when this process is root and the
     * {@code postgres} user cannot reach that folder (a parent such as /root is private), a folder
     * of its own under /var/tmp named after the home folder.
     */
    public Path directory() throws IOException, InterruptedException {
        Path preferred = home.resolve("postgres");
        if (!runsAsRoot() || Files.isDirectory(preferred.resolve("data")) || postgresUserCanReach(home)) {
            return preferred;
        }
        return Path.of("/var/tmp", "lrsweep-postgres-" + shortHash(home.toString()));
    }

    private Path dataDir() throws IOException, InterruptedException {
        return directory().resolve("data");
    }

    private Path passwordFile() throws IOException {
        try {
            return directory().resolve("password");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public Path logFile() throws IOException, InterruptedException {
        return directory().resolve("postgres.log");
    }

    /** Creates the cluster if there is none, starts it unless it runs; returns true if this call started it. */
    public boolean up(PrintStream out) throws IOException, InterruptedException {
        Path dir = directory();
        boolean fresh = !Files.isDirectory(dir.resolve("data"));
        if (fresh) {
            create(dir, out);
        }
        if (running()) {
            out.println("PostgreSQL already running at 127.0.0.1:" + port + " (cluster " + dir + ")");
            return false;
        }
        run(List.of(binary("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
                dir.resolve("postgres.log").toString(), "-w", "-t", "60", "-o",
                "-p " + port + " -k " + dir.resolve("run") + " -c listen_addresses=127.0.0.1", "start"), "start PostgreSQL");
        if (fresh) {
            run(List.of(binary("createdb").toString(), "-h", dir.resolve("run").toString(), "-p", Integer.toString(port),
                    "-U", USER, DATABASE), "create the database " + DATABASE);
        }
        out.println("PostgreSQL is up at 127.0.0.1:" + port + ", database " + DATABASE + " (cluster " + dir + ")");
        return true;
    }

    /** Stops the cluster if it runs (fast shutdown: open sessions are ended). */
    public boolean down(PrintStream out) throws IOException, InterruptedException {
        if (!Files.isDirectory(dataDir()) || !running()) {
            return false;
        }
        run(List.of(binary("pg_ctl").toString(), "-D", dataDir().toString(), "-m", "fast", "-w", "stop"),
                "stop PostgreSQL");
        out.println("PostgreSQL stopped (cluster " + directory() + ")");
        return true;
    }

    /** Whether a cluster was ever created for this home. */
    public boolean exists() throws IOException, InterruptedException {
        return Files.isDirectory(dataDir());
    }

    public boolean running() throws IOException, InterruptedException {
        if (!Files.isDirectory(dataDir())) {
            return false;
        }
        return exec(List.of(binary("pg_ctl").toString(), "-D", dataDir().toString(), "status")).exitCode() == 0;
    }

    public String status() throws IOException, InterruptedException {
        if (!exists()) {
            return "not created (no cluster for " + home + ")";
        }
        return (running() ? "up" : "down") + " at 127.0.0.1:" + port + ", cluster " + directory();
    }

    /** Deletes the cluster's files; it must be stopped. */
    public void delete() throws IOException, InterruptedException {
        if (running()) {
            throw new IOException("PostgreSQL still runs from " + directory() + "; stop it first");
        }
        FolderTree.delete(directory());
    }

    private void create(Path dir, PrintStream out) throws IOException, InterruptedException {
        out.println("Creating a PostgreSQL cluster in " + dir + " …");
        Files.createDirectories(dir.resolve("run"));
        Path password = dir.resolve("password");
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        Files.writeString(password, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n");
        for (Path p : List.of(dir, dir.resolve("run"), password)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                    Files.isDirectory(p) ? "rwx------" : "rw-------"));
        }
        if (runsAsRoot()) {
            run(List.of("chown", "-R", POSTGRES_USER + ":", dir.toString()), "give the cluster folder to " + POSTGRES_USER);
        }
        // Over the socket (a folder only the owner can enter) no password; over TCP only with it.
        run(List.of(binary("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", USER, "-E", "UTF8",
                "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--pwfile=" + password),
                "create the cluster");
    }

    /** A Postgres server binary: $LRSWEEP_POSTGRES_BIN, else the newest /usr/lib/postgresql/N/bin, else the PATH. */
    static Path binary(String name) throws IOException {
        List<Path> dirs = new ArrayList<>();
        String explicit = System.getenv("LRSWEEP_POSTGRES_BIN");
        if (explicit != null && !explicit.isBlank()) {
            dirs.add(Path.of(explicit));
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                versions.filter(v -> v.getFileName().toString().matches("\\d+"))
                        .sorted(Comparator.comparingInt((Path v) -> Integer.parseInt(v.getFileName().toString()))
                                .reversed())
                        .forEach(v -> dirs.add(v.resolve("bin")));
            }
        }
        for (String p : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!p.isBlank()) {
                dirs.add(Path.of(p));
            }
        }
        for (Path d : dirs) {
            if (Files.isExecutable(d.resolve(name))) {
                return d.resolve(name);
            }
        }
        throw new IOException("PostgreSQL's " + name + " is not installed (looked in $LRSWEEP_POSTGRES_BIN,"
                + " /usr/lib/postgresql/*/bin and the PATH). Debian: apt-get install postgresql;"
                + " or set LRSWEEP_POSTGRES_BIN to the folder with initdb and pg_ctl.");
    }

    private static boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean postgresUserCanReach(Path dir) throws IOException, InterruptedException {
        return exec(List.of("runuser", "-u", POSTGRES_USER, "--", "test", "-x", dir.toString())).exitCode() == 0;
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Result(int exitCode, String output) {
    }

    private void run(List<String> command, String what) throws IOException, InterruptedException {
        Result r = exec(command);
        if (r.exitCode() != 0) {
            throw new IOException("could not " + what + " (" + String.join(" ", command) + " exited with "
                    + r.exitCode() + "):\n" + r.output().strip() + tailOfLog());
        }
    }

    private String tailOfLog() throws IOException, InterruptedException {
        Path log = logFile();
        if (!Files.isReadable(log)) {
            return "";
        }
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return "\nlast lines of " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 10),
                lines.size()));
    }

    /** Runs a command, as the postgres user when this process is root (Postgres refuses root). */
    private static Result exec(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        boolean asPostgres = runsAsRoot() && !command.get(0).equals("chown") && !command.get(0).equals("runuser");
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", POSTGRES_USER, "--"));
        }
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true);
        // pg_ctl's server inherits the working directory: one the postgres user can enter.
        pb.directory(Path.of("/").toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] output = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", full) + " did not finish within 120 s");
        }
        return new Result(p.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
