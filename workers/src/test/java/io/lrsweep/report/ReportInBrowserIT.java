package io.lrsweep.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.lrsweep.TinyStudy;
import io.lrsweep.setup.ComputeContext;
import io.lrsweep.stages.AnalyzeStage;
import io.lrsweep.stages.AverageStage;
import io.lrsweep.stages.CodeVersion;
import io.lrsweep.stages.FinetuneStage;
import io.lrsweep.stages.PlanStage;
import io.lrsweep.stages.PretrainStage;
import io.lrsweep.stages.ReportStage;
import io.lrsweep.stages.StageProgress;
import io.lrsweep.storage.FileSystemArtifactStore;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a real (tiny) study, opened in headless Chromium at 1280 px as a person would:
 * every figure loads, every link resolves, nothing is wider than the window or cut off; a full-page
 * screenshot is kept under {@code target/report-screenshots/}. The same check on a deliberately
 * broken copy shows that it finds what it looks for.
 */
class ReportInBrowserIT {
    private static final int WIDTH = 1280;
    private static final String STUDY = "browser";
    private static final String WORKFLOW = "wf-browser";
    /** A password in a configured URL: the page must not show it. */
    private static final String SECRET = "s3cret-in-url";
    private static final Path ARTEFACTS = Path.of(System.getProperty("lrsweep.report.screenshots",
            "target/report-screenshots"));

    @TempDir
    static Path root;
    private static HeadlessChromium browser;
    private static ReportLinks links;
    private static Path report;

    @BeforeAll
    static void aRealStudysReport() throws Exception {
        browser = HeadlessChromium.require();
        links = ReportLinks.configured(Map.of(ReportLinks.CONDUCTOR_UI_ENV, "http://conductor-ui.example:5000",
                ReportLinks.GRAFANA_ENV, "https://viewer:" + SECRET + "@grafana.example:3000/"),
                "http://127.0.0.1:8080/api");
        FileSystemArtifactStore store = new FileSystemArtifactStore(root.resolve("store"));
        try (ComputeContext compute = ComputeContext.cpu(root.resolve("datasets"))) {
            var plan = new PlanStage(store).run(TinyStudy.input(STUDY, Map.of("plrs", List.of(1e-3, 1e-2, 0.1))),
                    WORKFLOW, false);
            for (var b : plan.branches()) {
                new PretrainStage(store, compute).run(STUDY, b.plr(), b.seed(), false, StageProgress.NONE);
                for (double flr : b.flrs()) {
                    new FinetuneStage(store, compute).run(STUDY, b.plr(), b.seed(), flr, false, StageProgress.NONE);
                }
                for (int k : b.swaKs()) {
                    new AverageStage(store, compute).run(STUDY, b.plr(), b.seed(), k, false, StageProgress.NONE);
                }
                new AnalyzeStage(store, compute).run(STUDY, b.plr(), b.seed(), false, StageProgress.NONE);
            }
            new ReportStage(store, compute, links).run(STUDY, WORKFLOW, false, StageProgress.NONE);
        }
        report = copy(store.pathOf("studies/" + STUDY + "/report/index.html").getParent(), ARTEFACTS.resolve("report"));
    }

    @Test
    void theReportOfARealStudyReadsWellAt1280Px() throws Exception {
        Path index = report.resolve("index.html");
        PageProbe.Page page = PageProbe.measure(browser, index, WIDTH);
        assertThat(ReadableReport.problems(page, report, WIDTH, links.externalBases())).isEmpty();
        long figures;
        try (var files = Files.list(report.resolve("figures"))) {
            figures = files.count();
        }
        assertThat(page.images()).as("every figure is on the page, and loaded").hasSize((int) figures)
                .allSatisfy(i -> assertThat(i.naturalWidth()).isPositive());
        assertThat(figures).isGreaterThanOrEqualTo(8);
        assertThat(page.figures()).hasSize((int) figures);
        assertThat(page.links()).contains("http://conductor-ui.example:5000/execution/" + WORKFLOW,
                "https://grafana.example:3000/d/lrsweep-overview?var-study=" + STUDY);
        assertThat(Files.readString(index)).doesNotContain(SECRET).contains(CodeVersion.full())
                .contains("Study input (resolved)");
        System.out.printf("report at %d px: page %d px wide, %d px tall, %d images loaded, %d links checked%n",
                page.viewportWidth(), page.scrollWidth(), page.height(), page.images().size(), page.links().size());

        Path png = ARTEFACTS.resolve("report-" + WIDTH + ".png");
        browser.screenshot(index, png, WIDTH, Math.min(page.height(), 16_000));
        BufferedImage shot = ImageIO.read(png.toFile());
        assertThat(shot.getWidth()).isEqualTo(WIDTH);
        assertThat(shot.getHeight()).isGreaterThan(1000);
        System.out.println("screenshot: " + png.toAbsolutePath());
    }

    /**
     * Any report on disk, e.g. a demo's: {@code -Dlrsweep.report.check=DIR} and the URL prefixes it
     * may link out to in {@code -Dlrsweep.report.external=URL,URL}. Its screenshot lands beside the others.
     */
    @Test
    @EnabledIfSystemProperty(named = "lrsweep.report.check", matches = ".+")
    void aReportGivenOnTheCommandLineReadsWellToo() throws Exception {
        Path given = copy(Path.of(System.getProperty("lrsweep.report.check")), ARTEFACTS.resolve("given-report"));
        List<String> external = List.of(System.getProperty("lrsweep.report.external", "").split(",")).stream()
                .filter(u -> !u.isBlank()).toList();
        PageProbe.Page page = PageProbe.measure(browser, given.resolve("index.html"), WIDTH);
        System.out.printf("given report at %d px: page %d px wide, %d px tall, %d images loaded, %d links checked%n",
                page.viewportWidth(), page.scrollWidth(), page.height(), page.images().size(), page.links().size());
        assertThat(ReadableReport.problems(page, given, WIDTH, external)).isEmpty();
        browser.screenshot(given.resolve("index.html"), ARTEFACTS.resolve("given-report-" + WIDTH + ".png"), WIDTH,
                Math.min(page.height(), 16_000));
    }

    @Test
    void theCheckFindsAMissingFigureABrokenLinkALinkOutAndTextTooWide() throws Exception {
        Path broken = copy(report, ARTEFACTS.resolve("broken-report"));
        Files.delete(broken.resolve("figures/angles.png"));
        Path index = broken.resolve("index.html");
        String html = Files.readString(index);
        Files.writeString(index, html.replace("</body>", "<p><a href=\"results-missing.csv\">gone</a>"
                + " <a href=\"https://elsewhere.example/\">out</a></p><div style=\"width:1600px\">too wide</div>"
                + "<div style=\"width:200px;overflow:hidden;white-space:nowrap\">a sentence far too long for 200"
                + " px</div></body>"));
        String angles = broken.resolve("figures/angles.png").toUri().toString();
        List<String> problems = ReadableReport.problems(PageProbe.measure(browser, index, WIDTH), broken, WIDTH,
                links.externalBases());
        assertThat(problems).contains("broken image: " + angles, "broken link: " + angles,
                "broken link: " + broken.resolve("results-missing.csv").toUri(),
                "link out to an unconfigured site: https://elsewhere.example/",
                "past the right edge of the window: div: too wide",
                "text cut off: div: a sentence far too long for 200 px");
        assertThat(problems).anySatisfy(p -> assertThat(p).matches("the page is \\d+ px wide in a 1280 px window"));
    }

    private static Path copy(Path from, Path to) throws IOException {
        if (Files.exists(to)) {
            try (var old = Files.walk(to)) {
                for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(to.toAbsolutePath().getParent());
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
        return to.toAbsolutePath();
    }
}
