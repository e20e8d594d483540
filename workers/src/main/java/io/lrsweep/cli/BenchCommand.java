package io.lrsweep.cli;

import io.lrsweep.storage.ArtifactStore;
import io.lrsweep.storage.Manifest;
import io.lrsweep.storage.Payload;
import io.lrsweep.storage.StageDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lrsweep bench}: measurements that print figures (nothing here asserts a speed). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure and print figures.",
        subcommands = {BenchCommand.Store.class, BenchMetricsCommand.class, BenchTrainCommand.class,
                BenchLoadCommand.class, BenchStudyCommand.class})
final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "store", mixinStandardHelpOptions = true,
            description = "Upload and verified download of one generated checkpoint-sized object to the store,"
                    + " next to a plain local file copy of the same bytes; prints MiB/s, the ratio and peak RSS.")
    static final class Store implements Callable<Integer> {
        @Mixin
        Options.Store store = new Options.Store();

        @Option(names = "--size-mib", defaultValue = "200", description = "object size (default ${DEFAULT-VALUE})")
        int sizeMib;

        @Override
        public Integer call() throws Exception {
            long size = (long) sizeMib << 20;
            Payload payload = () -> generated(size);
            ArtifactStore s = store.open();
            StageDirectory dir = new StageDirectory(s, "bench/store-" + ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            dir.store().put(dir.key("object.bin"), payload);
            long t1 = System.nanoTime();
            Manifest m = dir.commit("bench", "bench", Map.of(), List.of("object.bin"), Map.of(), "bench");
            long t2 = System.nanoTime();
            try (InputStream in = dir.openVerified(m, "object.bin")) {
                in.transferTo(OutputStream.nullOutputStream());
            }
            long t3 = System.nanoTime();
            dir.delete("object.bin");
            dir.delete(Manifest.FILE_NAME);

            Path a = Files.createTempFile("lrsweep-bench", ".bin");
            Path b = Files.createTempFile("lrsweep-bench", ".copy");
            try {
                try (InputStream in = payload.open()) {
                    Files.copy(in, a, StandardCopyOption.REPLACE_EXISTING);
                }
                long c0 = System.nanoTime();
                Files.copy(a, b, StandardCopyOption.REPLACE_EXISTING);
                try (var ch = FileChannel.open(b, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                long c1 = System.nanoTime();
                double up = sizeMib / ((t1 - t0) / 1e9);
                double down = sizeMib / ((t3 - t2) / 1e9);
                double copy = sizeMib / ((c1 - c0) / 1e9);
                System.out.printf("store            %s%n", s.describe());
                System.out.printf("object           %d MiB%n", sizeMib);
                System.out.printf("upload           %.1f MiB/s (SHA-256 while streaming)%n", up);
                System.out.printf("verified download %.1f MiB/s%n", down);
                System.out.printf("local file copy  %.1f MiB/s (fsync included)%n", copy);
                System.out.printf("ratio to copy    upload %.2f, download %.2f%n", up / copy, down / copy);
                System.out.printf("peak RSS         %s; max heap %d MiB%n", peakRss(), Runtime.getRuntime().maxMemory() >> 20);
            } finally {
                Files.deleteIfExists(a);
                Files.deleteIfExists(b);
            }
            return 0;
        }
    }

    /** Pseudo-random bytes made on the fly, so the benchmark itself holds no object in memory. */
    static InputStream generated(long size) {
        return new InputStream() {
            private long left = size;
            private long state = 0x9E3779B97F4A7C15L;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buf, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    buf[off + i] = (byte) state;
                }
                left -= n;
                return n;
            }
        };
    }

    /** VmHWM of this process (Linux), the peak resident set size. */
    static String peakRss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return "unknown (no /proc)";
        }
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> l.substring(6).trim()).findFirst().orElse("unknown");
    }

    /** {@link #peakRss()} in MiB (NaN where it is unknown). */
    static double peakRssMb() throws IOException {
        String kb = peakRss();
        return kb.endsWith(" kB") ? Long.parseLong(kb.substring(0, kb.length() - 3).trim()) / 1024.0 : Double.NaN;
    }
}
