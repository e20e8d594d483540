package io.lrsweep.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks of {@link ReadableReport} on measurements made by hand; the browser's own are in ReportInBrowserIT. */
class ReadableReportTest {
    @TempDir
    Path dir;

    private PageProbe.Page page(int scrollWidth, List<PageProbe.Image> images, List<String> links,
                                List<PageProbe.Figure> figures) {
        return new PageProbe.Page(1280, scrollWidth, 3000, images, links, List.of(), List.of(), figures);
    }

    @Test
    void aPageWhoseImagesLoadedAndWhoseLinksResolveHasNoProblem() throws Exception {
        Files.writeString(dir.resolve("results.csv"), "plr\n");
        String csv = dir.resolve("results.csv").toUri().toString();
        var p = page(1280, List.of(new PageProbe.Image(csv, 900, 1000)),
                List.of(csv, "http://ui.example/execution/wf1"), List.of(new PageProbe.Figure(csv, "The paper: x")));
        assertThat(ReadableReport.problems(p, dir, 1280, List.of("http://ui.example"))).isEmpty();
    }

    @Test
    void everyKindOfProblemIsNamed() throws Exception {
        Path outside = Files.createTempFile("outside", ".csv");
        try {
            String missing = dir.resolve("figures/gone.png").toUri().toString();
            var p = new PageProbe.Page(1280, 1500, 3000, List.of(new PageProbe.Image(missing, 0, 300)),
                    List.of(missing, outside.toUri().toString(), "https://ui.example.evil/x", "http://ui.example",
                            "mailto:someone@example.org"),
                    List.of("td: 0.7612"), List.of("div: wide"), List.of(new PageProbe.Figure(missing, "")));
            assertThat(ReadableReport.problems(p, dir, 1280, List.of("https://ui.example"))).containsExactly(
                    "the page is 1500 px wide in a 1280 px window",
                    "past the right edge of the window: div: wide",
                    "text cut off: td: 0.7612",
                    "broken image: " + missing,
                    "broken link: " + missing,
                    "link outside the report: " + outside.toUri(),
                    "link out to an unconfigured site: https://ui.example.evil/x",
                    "link out to an unconfigured site: http://ui.example",
                    "link of an unexpected kind: mailto:someone@example.org",
                    "figure without a caption saying what the paper claims: " + missing);
        } finally {
            Files.delete(outside);
        }
    }
}
