package io.lrsweep.cli;

import io.lrsweep.tasks.ConductorApi;
import io.lrsweep.tasks.StudyProgress;

/** Waits for a study on a Conductor server, showing its progress: {@code submit --wait}, {@code resume --wait}. */
final class StudyWait {
    private StudyWait() {
    }

    /**
     * Waits up to 30 s for a retried study to leave {@code status}: the server restarts it after
     * the retry call has returned, and following it at once would find it still failed.
     */
    static void awaitLeaving(ConductorApi api, String id, String status) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (api.status(id).equals(status) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    /** Follows study {@code id} until it ends; 0 when it completed, 1 otherwise (with its failures). */
    static int follow(ConductorApi api, String id) throws Exception {
        LiveStatus live = LiveStatus.forStandardOutput();
        while (true) {
            StudyProgress p = StudyProgress.of(api, id);
            live.show(p);
            if (p.finished()) {
                p.failures().forEach(f -> System.out.println("failed: " + f));
                return p.status().equals("COMPLETED") ? 0 : 1;
            }
            // Each look reads every branch from the server: a thousand branches are looked at every 20 s,
            // not every 2 s, so that the progress line does not compete with the study for the server.
            Thread.sleep(Math.max(2000, 20L * p.branches()));
        }
    }
}
