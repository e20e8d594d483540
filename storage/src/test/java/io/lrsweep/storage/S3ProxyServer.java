package io.lrsweep.storage;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real S3-compatible server for tests: S3Proxy with its filesystem backend, as a separate
 * process on a free port of 127.0.0.1, so a test can stop and restart it. MinIO's own server
 * cannot be installed here; S3Proxy speaks the same plain S3 API.
 */
public final class S3ProxyServer implements AutoCloseable {
    public static final String ACCESS_KEY = "lrsweep-test";
    public static final String SECRET_KEY = "lrsweep-test-secret-7d1c";
    private final Path dir;
    private final int port;
    private Process process;

    private S3ProxyServer(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Starts S3Proxy with its data under {@code dir}. */
    public static S3ProxyServer start(Path dir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        S3ProxyServer server = new S3ProxyServer(dir, port);
        server.restart();
        return server;
    }

    private static Path jar() {
        String p = System.getProperty("lrsweep.s3proxy.jar");
        if (p == null || !Files.isRegularFile(Path.of(p))) {
            throw new IllegalStateException("the S3Proxy jar is missing (" + p + "); run the tests through Maven"
                    + " (mvn verify copies org.gaul:s3proxy into target/s3proxy)");
        }
        return Path.of(p);
    }

    /** (Re)starts the server on the same port with the same data. */
    public void restart() throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("data"));
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + dir.resolve("data")) + "\n");
        String java = ProcessHandle.current().info().command().orElse("java");
        process = new ProcessBuilder(java, "-Xmx256m", "-Dorg.eclipse.jetty.LEVEL=WARN", "-jar", jar().toString(),
                "--properties", props.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()))
                .start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("S3Proxy exited with " + process.exitValue() + "; see " + dir.resolve("s3proxy.log"));
            }
            try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IOException("S3Proxy did not listen on port " + port + " within 60 s");
    }

    /** Stops the server (the data stay). */
    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }

    public String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** Where the backend keeps every bucket and object. */
    public Path dataDirectory() {
        return dir.resolve("data");
    }

    /** The file in which the backend keeps an object. */
    public Path objectFile(String bucket, String object) {
        return dir.resolve("data").resolve(bucket).resolve(object);
    }

    /** Environment for {@link S3Settings}: endpoint, credentials, bucket creation, quick retries. */
    public Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put(S3Settings.ENDPOINT, endpoint());
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        env.put(S3Settings.CREATE_BUCKET, "true");
        env.put(S3Settings.MAX_ATTEMPTS, "12");
        env.put(S3Settings.RETRY_INITIAL_MS, "200");
        env.put(S3Settings.RETRY_MAX_MS, "2000");
        return env;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
