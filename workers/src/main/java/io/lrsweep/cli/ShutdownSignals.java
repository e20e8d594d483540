package io.lrsweep.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT for a process that stops gracefully: the first one releases
 * {@link #awaitFirst} and starts the grace period; a second one, or the grace period's end, exits
 * at once. The JVM's own handling (run the shutdown hooks, exit) would leave running stages no
 * time to hand their tasks back, and a second signal could not cut the wait short.
 */
final class ShutdownSignals {
    private final Duration grace;
    private final PrintStream out;
    private final AtomicInteger received = new AtomicInteger();
    private final CountDownLatch first = new CountDownLatch(1);

    ShutdownSignals(Duration grace, PrintStream out) {
        this.grace = grace;
        this.out = out;
    }

    ShutdownSignals install() {
        for (String name : List.of("TERM", "INT")) {
            Signal.handle(new Signal(name), this::received);
        }
        return this;
    }

    private void received(Signal s) {
        int exitCode = 128 + s.getNumber();
        if (received.incrementAndGet() > 1) {
            out.println("SIG" + s.getName() + " again: exiting at once");
            out.flush();
            Runtime.getRuntime().halt(exitCode);
        }
        Thread deadline = new Thread(() -> {
            try {
                Thread.sleep(grace.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            out.println("grace period of " + grace.toSeconds() + " s is over: exiting now");
            out.flush();
            Runtime.getRuntime().halt(exitCode);
        }, "lrsweep-grace-deadline");
        deadline.setDaemon(true);
        deadline.start();
        out.println("SIG" + s.getName() + ": stopping within " + grace.toSeconds() + " s (send it again to exit at"
                + " once)");
        first.countDown();
    }

    /** Blocks until the first signal. */
    void awaitFirst() throws InterruptedException {
        first.await();
    }
}
