package io.lrsweep.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/** The few calls of Prometheus's HTTP API the checks need; an error answer is an exception with Prometheus's message. */
public final class PrometheusApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** @param base e.g. {@code http://127.0.0.1:9090} */
    public PrometheusApi(String base) {
        this.base = base;
    }

    /** The answer of a query: its result type and result array. */
    public record Result(String type, JsonNode result) {
        public boolean empty() {
            return result.isEmpty();
        }
    }

    public Result instant(String expr, Instant at) throws IOException {
        return result(get("/api/v1/query?query=" + enc(expr) + "&time=" + seconds(at)));
    }

    public Result range(String expr, Instant start, Instant end, Duration step) throws IOException {
        return result(get("/api/v1/query_range?query=" + enc(expr) + "&start=" + seconds(start) + "&end="
                + seconds(end) + "&step=" + step.toMillis() / 1000.0));
    }

    /** Every series (label sets) matching a selector between two times. */
    public JsonNode series(String match, Instant start, Instant end) throws IOException {
        return get("/api/v1/series?match[]=" + enc(match) + "&start=" + seconds(start) + "&end=" + seconds(end))
                .path("data");
    }

    /** The rule groups with each rule's health and last error. */
    public JsonNode rules() throws IOException {
        return get("/api/v1/rules").path("data").path("groups");
    }

    public JsonNode targets() throws IOException {
        return get("/api/v1/targets").path("data").path("activeTargets");
    }

    private static Result result(JsonNode answer) {
        return new Result(answer.path("data").path("resultType").asText(), answer.path("data").path("result"));
    }

    private JsonNode get(String path) throws IOException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(r.body());
            if (r.statusCode() != 200 || !body.path("status").asText().equals("success")) {
                throw new IOException("Prometheus answered " + r.statusCode() + ": " + body.path("errorType").asText()
                        + ": " + body.path("error").asText());
            }
            return body;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String seconds(Instant t) {
        return String.format(java.util.Locale.ROOT, "%.3f", t.toEpochMilli() / 1000.0);
    }
}
