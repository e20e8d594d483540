package io.lrsweep.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Samples another process twice a second from /proc (Linux): its peak resident set and the CPU
 * time it used while sampled.
 */
final class ProcessSampler {
    private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private final long pid;
    private volatile boolean running = true;
    private volatile long peakRssKb;
    private volatile long firstTicks = -1;
    private volatile long lastTicks;
    private Thread thread;

    ProcessSampler(long pid) {
        this.pid = pid;
    }

    ProcessSampler start() {
        thread = new Thread(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "lrsweep-process-sampler");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    private void sample() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    peakRssKb = Math.max(peakRssKb, Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
            // Fields 14 and 15 of /proc/PID/stat (after the parenthesised name): user and system ticks.
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            List<String> f = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
            long ticks = Long.parseLong(f.get(11)) + Long.parseLong(f.get(12));
            if (firstTicks < 0) {
                firstTicks = ticks;
            }
            lastTicks = ticks;
        } catch (IOException | RuntimeException gone) {
            // The process ended, or /proc is missing: keep what was sampled.
        }
    }

    void stop() throws InterruptedException {
        sample();
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join();
        }
    }

    double peakRssMib() {
        return peakRssKb / 1024.0;
    }

    double cpuSeconds() {
        return firstTicks < 0 ? Double.NaN : (lastTicks - firstTicks) / TICKS_PER_SECOND;
    }
}
