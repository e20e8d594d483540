package io.lrsweep.monitoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    private final WorkerMetrics metrics = new WorkerMetrics(new WorkerIdentity("w", "none", "none"));
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void close() {
        metrics.close();
    }

    private HttpResponse<String> send(String method, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void metricsAreServedInPrometheusTextFormatOnlyAtSlashMetrics() throws Exception {
        metrics.stages().started("s1", "plan", false).ended(StageMetrics.Outcome.COMPLETED);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(metrics, "127.0.0.1", 0)) {
            assertThat(endpoint.url()).isEqualTo("http://127.0.0.1:" + endpoint.port() + "/metrics");
            HttpResponse<String> r = send("GET", endpoint.url());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertThat(Exposition.parse(r.body()).value("lrsweep_stage_runs_total",
                    java.util.Map.of("study", "s1", "outcome", "completed"))).isEqualTo(1.0);
            assertThat(send("GET", "http://127.0.0.1:" + endpoint.port() + "/").statusCode()).isEqualTo(404);
            assertThat(send("POST", endpoint.url()).statusCode()).isEqualTo(405);
        }
    }

    @Test
    void aTakenPortIsRefusedWithAMessageThatSaysWhatToDo() throws Exception {
        try (MetricsEndpoint first = MetricsEndpoint.start(metrics, "127.0.0.1", 0)) {
            assertThatThrownBy(() -> MetricsEndpoint.start(metrics, "127.0.0.1", first.port()))
                    .isInstanceOf(IOException.class).hasMessageContaining("--metrics-port");
        }
    }
}
