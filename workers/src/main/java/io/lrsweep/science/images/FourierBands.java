package io.lrsweep.science.images;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/** Splits images into Fourier bands: keep the frequencies whose L1 distance from the centred origin lies in a band. */
public final class FourierBands {

    /** A band of L1 distances [from, to) from the centre of the shifted spectrum. */
    public record Band(String name, int from, int to) {
        public Band {
            Objects.requireNonNull(name, "name");
            if (from < 0 || to <= from) {
                throw new IllegalArgumentException("band " + name + " needs 0 <= from < to, got [" + from + "," + to + ")");
            }
        }

        boolean contains(int distance) {
            return distance >= from && distance < to;
        }
    }

    /** The paper's bands for 32×32 images; together they cover every frequency (the largest distance is 32). */
    public static final List<Band> PAPER_BANDS = List.of(
            new Band("background", 0, 1),
            new Band("low", 1, 9),
            new Band("mid", 9, 25),
            new Band("high", 25, 33));

    private FourierBands() {
    }

    /**
     * One band-only copy of the images per band, in the input's N×C×H×W layout: each image and channel is
     * transformed once, masked per band, inverted, and the real part kept.
     */
    public static float[][] split(float[] pixels, int count, int channels, int size, List<Band> bands) {
        Objects.requireNonNull(pixels, "pixels");
        if (count < 0 || channels <= 0 || size <= 0 || size % 2 != 0) {
            throw new IllegalArgumentException("need count >= 0, channels > 0 and an even size > 0");
        }
        int plane = size * size;
        if ((long) count * channels * plane != pixels.length) {
            throw new IllegalArgumentException("pixels hold " + pixels.length + " values, not "
                    + count + "×" + channels + "×" + size + "×" + size);
        }
        Plan plan = new Plan(size, bands);
        float[][] out = new float[bands.size()][pixels.length];
        // Images are independent and each is computed in the same order, so the result does not depend on the
        // number of threads.
        ThreadLocal<Workspace> workspaces = ThreadLocal.withInitial(() -> new Workspace(size, plan.maxColumns));
        IntStream.range(0, count).parallel().forEach(i -> {
            Workspace ws = workspaces.get();
            for (int c = 0; c < channels; c++) {
                int offset = (i * channels + c) * plane;
                plan.forward(pixels, offset, ws);
                for (int b = 0; b < bands.size(); b++) {
                    plan.inverse(b, ws, out[b], offset);
                }
            }
        });
        return out;
    }

    /** The images keeping only one band. */
    public static float[] bandOnly(float[] pixels, int count, int channels, int size, Band band) {
        return split(pixels, count, channels, size, List.of(band))[0];
    }

    /** L1 distance of frequency (u, v) from the centre after shifting the spectrum by size/2. */
    static int distance(int u, int v, int size) {
        return Math.abs(signed(u, size)) + Math.abs(signed(v, size));
    }

    /** (u + size/2) mod size − size/2: the frequency's offset from the centre, in [−size/2, size/2). */
    private static int signed(int k, int size) {
        return k < size / 2 ? k : k - size;
    }

    /** Per-thread scratch: half spectrum (v in 0..size/2, which is enough for a real image) and partial sums. */
    private static final class Workspace {
        final double[] rowRe;
        final double[] rowIm;
        final double[] specRe;
        final double[] specIm;
        final double[] colRe;
        final double[] colIm;
        final double[] line;

        Workspace(int size, int maxColumns) {
            int half = size / 2 + 1;
            rowRe = new double[size * half];
            rowIm = new double[size * half];
            specRe = new double[size * half];
            specIm = new double[size * half];
            colRe = new double[maxColumns * size];
            colIm = new double[maxColumns * size];
            line = new double[size];
        }
    }

    /**
     * Twiddle tables and, per band, the kept frequencies of the half spectrum grouped by column v. A real image's
     * spectrum is conjugate-symmetric and the bands are symmetric under (u,v) → (−u,−v), so the real part of the
     * inverse needs only v in 0..size/2, the columns 1..size/2−1 counted twice.
     */
    private static final class Plan {
        final int n;
        final int half;
        final double[] cos;
        final double[] sin;
        final int[][] columns;
        final int[][][] rows;
        final double[][] weights;
        final int maxColumns;

        Plan(int n, List<Band> bands) {
            this.n = n;
            this.half = n / 2 + 1;
            cos = new double[n * n];
            sin = new double[n * n];
            for (int k = 0; k < n; k++) {
                for (int j = 0; j < n; j++) {
                    // Reducing k·j mod n first keeps the angle small, so the table is exact to rounding.
                    double angle = 2 * Math.PI * ((k * j) % n) / n;
                    cos[k * n + j] = Math.cos(angle);
                    sin[k * n + j] = Math.sin(angle);
                }
            }
            columns = new int[bands.size()][];
            rows = new int[bands.size()][][];
            weights = new double[bands.size()][];
            int widest = 1;
            for (int b = 0; b < bands.size(); b++) {
                Band band = Objects.requireNonNull(bands.get(b), "band");
                List<Integer> vs = new ArrayList<>();
                List<int[]> us = new ArrayList<>();
                for (int v = 0; v < half; v++) {
                    int vv = v;
                    int[] kept = IntStream.range(0, n).filter(u -> band.contains(distance(u, vv, n))).toArray();
                    if (kept.length > 0) {
                        vs.add(v);
                        us.add(kept);
                    }
                }
                columns[b] = vs.stream().mapToInt(Integer::intValue).toArray();
                rows[b] = us.toArray(new int[0][]);
                weights[b] = vs.stream()
                        .mapToDouble(v -> (v == 0 || v == n / 2 ? 1.0 : 2.0) / ((double) n * n)).toArray();
                widest = Math.max(widest, columns[b].length);
            }
            maxColumns = widest;
        }

        /** Half spectrum F[u][v] = Σ f[x][y]·e^{−2πi(ux+vy)/n}, v in 0..n/2, rows first then columns. */
        void forward(float[] pixels, int offset, Workspace ws) {
            double[] ar = ws.rowRe;
            double[] ai = ws.rowIm;
            Arrays.fill(ar, 0);
            Arrays.fill(ai, 0);
            // Inner loops run over contiguous v so the JIT can vectorise them.
            for (int x = 0; x < n; x++) {
                int row = x * half;
                for (int y = 0; y < n; y++) {
                    double f = pixels[offset + x * n + y];
                    int t = y * n;
                    for (int v = 0; v < half; v++) {
                        ar[row + v] += f * cos[t + v];
                        ai[row + v] -= f * sin[t + v];
                    }
                }
            }
            double[] fr = ws.specRe;
            double[] fi = ws.specIm;
            Arrays.fill(fr, 0);
            Arrays.fill(fi, 0);
            for (int u = 0; u < n; u++) {
                int out = u * half;
                for (int x = 0; x < n; x++) {
                    double c = cos[u * n + x];
                    double s = sin[u * n + x];
                    int in = x * half;
                    for (int v = 0; v < half; v++) {
                        double re = ar[in + v];
                        double im = ai[in + v];
                        fr[out + v] += re * c + im * s;
                        fi[out + v] += im * c - re * s;
                    }
                }
            }
        }

        /** Real part of the inverse of the band-masked spectrum: columns (over u) first, then rows (over v). */
        void inverse(int band, Workspace ws, float[] target, int offset) {
            int[] vs = columns[band];
            int[][] us = rows[band];
            double[] w = weights[band];
            double[] hr = ws.colRe;
            double[] hi = ws.colIm;
            double[] fr = ws.specRe;
            double[] fi = ws.specIm;
            Arrays.fill(hr, 0, vs.length * n, 0);
            Arrays.fill(hi, 0, vs.length * n, 0);
            for (int k = 0; k < vs.length; k++) {
                int v = vs[k];
                int col = k * n;
                for (int u : us[k]) {
                    double gr = w[k] * fr[u * half + v];
                    double gi = w[k] * fi[u * half + v];
                    int t = u * n;
                    for (int x = 0; x < n; x++) {
                        hr[col + x] += gr * cos[t + x] - gi * sin[t + x];
                        hi[col + x] += gr * sin[t + x] + gi * cos[t + x];
                    }
                }
            }
            double[] line = ws.line;
            for (int x = 0; x < n; x++) {
                Arrays.fill(line, 0);
                for (int k = 0; k < vs.length; k++) {
                    double a = hr[k * n + x];
                    double b = hi[k * n + x];
                    int t = vs[k] * n;
                    for (int y = 0; y < n; y++) {
                        line[y] += a * cos[t + y] - b * sin[t + y];
                    }
                }
                int base = offset + x * n;
                for (int y = 0; y < n; y++) {
                    target[base + y] = (float) line[y];
                }
            }
        }
    }
}
