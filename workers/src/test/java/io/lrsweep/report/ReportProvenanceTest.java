package io.lrsweep.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lrsweep.study.StudyConfig;
import io.lrsweep.study.StudyResolver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportProvenanceTest {
    private static StudyConfig config(Map<String, Object> overrides) {
        Map<String, Object> in = new HashMap<>();
        in.put("preset", "synthetic-quick");
        in.put("overrides", overrides);
        return StudyResolver.resolve(in, "prov");
    }

    @Test
    void theWorkflowLinksToTheUiWhenConfiguredElseToTheRestApiOfTheServerTheWorkersUse() {
        ReportLinks ui = ReportLinks.configured(Map.of(ReportLinks.CONDUCTOR_UI_ENV, "http://ui.example:5000/"),
                "http://127.0.0.1:8383/api");
        assertThat(ui.workflow("wf 1")).get().extracting(ReportLinks.Link::url)
                .isEqualTo("http://ui.example:5000/execution/wf%201");
        ReportLinks api = ReportLinks.configured(Map.of(), "http://127.0.0.1:8383/api");
        assertThat(api.workflow("wf1")).get().extracting(ReportLinks.Link::url)
                .isEqualTo("http://127.0.0.1:8383/api/workflow/wf1");
        assertThat(api.workflow(null)).isEmpty();
        assertThat(api.dashboards("s")).isEmpty();
        assertThat(ReportLinks.NONE.workflow("wf1")).isEmpty();
    }

    @Test
    void grafanaLinksEveryStudyDashboardFilteredToTheStudy() {
        ReportLinks links = ReportLinks.configured(Map.of(ReportLinks.GRAFANA_ENV, "https://grafana.example/g"), null);
        assertThat(links.dashboards("s1")).extracting(ReportLinks.Link::url).containsExactly(
                "https://grafana.example/g/d/lrsweep-overview?var-study=s1",
                "https://grafana.example/g/d/lrsweep-training?var-study=s1",
                "https://grafana.example/g/d/lrsweep-landscape?var-study=s1");
        assertThat(links.externalBases()).containsExactly("https://grafana.example/g");
    }

    @Test
    void credentialsInConfiguredUrlsOrInTheStudyInputNeverReachThePage() {
        ReportLinks links = ReportLinks.configured(Map.of(
                ReportLinks.CONDUCTOR_UI_ENV, "https://admin:hunter2@ui.example/?token=tok-ui",
                ReportLinks.GRAFANA_ENV, "https://viewer:s3cret@grafana.example/?auth_token=tok-graf"), null);
        StudyConfig c = config(Map.of("dataSource",
                "https://user:pa55@data.example/cifar-10-binary.tar.gz?X-Amz-Signature=sig123&x=1#md5=abc"));
        ReportProvenance p = new ReportProvenance(c, "wf1", links, "1.0+science.2");
        String page = p.header() + p.input();
        assertThat(page).doesNotContain("hunter2", "admin", "s3cret", "viewer", "tok-ui", "tok-graf", "pa55",
                "sig123");
        assertThat(page).contains("https://ui.example/execution/wf1").contains("X-Amz-Signature=***")
                .contains("https://***@data.example/cifar-10-binary.tar.gz").contains("#md5=abc");
    }

    @Test
    void thePageShowsTheCodeVersionAndEveryFieldOfTheResolvedInput() {
        StudyConfig c = config(Map.of("plrs", List.of(1e-3, 0.1), "seeds", 3));
        ReportProvenance p = new ReportProvenance(c, null, ReportLinks.NONE, "0.1.0+science.2");
        assertThat(p.header()).contains("<th>code version</th><td>0.1.0+science.2</td>").doesNotContain("href");
        assertThat(p.input()).contains("<th>studyId</th><td>&quot;prov&quot;</td>").contains("<th>plrs</th><td>[0.001,0.1]</td>")
                .contains("<th>seeds</th><td>3</td>").contains("<th>pretrainIterations</th><td>"
                        + c.pretrainIterations() + "</td>");
    }

    @Test
    void aUrlThatIsNotHttpIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> ReportLinks.configured(Map.of(ReportLinks.GRAFANA_ENV, "ftp://u:secret@x"), null))
                .hasMessageContaining(ReportLinks.GRAFANA_ENV).hasMessageNotContaining("secret");
    }
}
