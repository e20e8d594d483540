package io.lrsweep.monitoring;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a worker's metrics at {@code /metrics} in Prometheus's text format, on a small JDK HTTP
 * server with one thread (scrapes are rare and cheap).
 */
public final class MetricsEndpoint implements AutoCloseable {
    /** The port a worker serves {@code /metrics} on unless told otherwise. */
    public static final int DEFAULT_PORT = 9464;
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsEndpoint(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving.
     *
     * @param address the interface to listen on, e.g. {@code 127.0.0.1} or {@code 0.0.0.0}
     * @param port the port, 0 for any free one
     */
    public static MetricsEndpoint start(WorkerMetrics metrics, String address, int port) throws IOException {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 0);
        } catch (BindException e) {
            throw new IOException("cannot serve metrics on " + address + ":" + port + " (" + e.getMessage()
                    + "); choose another --metrics-port, 0 for any free port, or -1 for none", e);
        }
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
                    send(exchange, 405, "text/plain", "only GET\n");
                } else {
                    send(exchange, 200, CONTENT_TYPE, metrics.scrape());
                }
            }
        });
        server.createContext("/", exchange -> {
            try (exchange) {
                send(exchange, 404, "text/plain", "lrsweep worker: metrics are at /metrics\n");
            }
        });
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "lrsweep-metrics-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        return new MetricsEndpoint(server, executor);
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL to scrape, with 127.0.0.1 for a server listening on every interface. */
    public String url() {
        String host = server.getAddress().getAddress().isAnyLocalAddress() ? "127.0.0.1"
                : server.getAddress().getAddress().getHostAddress();
        return "http://" + host + ":" + port() + "/metrics";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
