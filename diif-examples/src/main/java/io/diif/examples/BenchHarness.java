package io.diif.examples;

import io.diif.Diif;
import io.diif.DiifModel;
import io.diif.ImageRepresentation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The measurements behind docs/performance.md that {@code diif bench} does not make, on 64×64 inputs of
 * paper-size random models (Linux: reads {@code /proc/self/stat}). Run with the CLI jar on the class path:
 * <pre>
 * java -cp diif-examples/target/diif-cli.jar io.diif.examples.BenchHarness renders BACKEND MODEL SCALE N [TILE_ROWS]
 *     N renders in one JVM: encode and decode seconds, minor page faults, user and system CPU of the decode
 * java -cp … io.diif.examples.BenchHarness pairs BACKEND SCALE N
 *     N alternating DIIF and LIIF upscales in one JVM (after 3 DIIF and 1 LIIF warm-up) and their ratio
 * java -cp … io.diif.examples.BenchHarness load BACKEND
 *     engine and default model load in this (fresh) JVM, and the engine's share of it
 * </pre>
 * MODEL is edsr-diif or edsr-liif. Start it as {@code ./diif} starts Java (the same GLIBC_TUNABLES and
 * OMP_WAIT_POLICY) to measure what the launcher gets.
 */
public final class BenchHarness {
    private static final int SIZE = 64;

    private BenchHarness() {
    }

    public static void main(String[] args) throws IOException {
        switch (args.length == 0 ? "" : args[0]) {
            case "renders" -> renders(args[1], args[2], Double.parseDouble(args[3]), Integer.parseInt(args[4]),
                    args.length > 5 ? Integer.parseInt(args[5]) : 0);
            case "pairs" -> pairs(args[1], Double.parseDouble(args[2]), Integer.parseInt(args[3]));
            case "load" -> load(args[1]);
            default -> throw new IllegalArgumentException("usage: renders BACKEND MODEL SCALE N [TILE_ROWS]"
                    + " | pairs BACKEND SCALE N | load BACKEND");
        }
    }

    private static DiifModel paperModel(String backend, String kind, int tileRows) {
        DiifModel.Builder b = DiifModel.builder().backend(backend).maxOutputPixels(1L << 31)
                .model(RandomModels.paper(kind, 0));
        return (tileRows > 0 ? b.tileRows(tileRows) : b).build();
    }

    private static void renders(String backend, String kind, double scale, int n, int tileRows) throws IOException {
        int o = (int) Math.rint(scale * SIZE);
        float[] image = BenchCommand.syntheticImage(SIZE);
        try (DiifModel model = paperModel(backend, kind, tileRows)) {
            for (int r = 0; r < n; r++) {
                long t0 = System.nanoTime();
                try (ImageRepresentation rep = model.encode(image, SIZE, SIZE)) {
                    long t1 = System.nanoTime();
                    long[] before = processStat();
                    rep.render().size(o, o).toFloatImage();
                    long t2 = System.nanoTime();
                    long[] after = processStat();
                    System.out.printf(Locale.ROOT, "%s %s x%s: encode %.3f s, decode %.3f s, %d page faults,"
                            + " CPU user %.2f s, system %.2f s%n", backend, kind, scale, (t1 - t0) / 1e9,
                            (t2 - t1) / 1e9, after[0] - before[0], (after[1] - before[1]) / 100.0,
                            (after[2] - before[2]) / 100.0);
                }
            }
        }
    }

    private static void pairs(String backend, double scale, int n) {
        int o = (int) Math.rint(scale * SIZE);
        float[] image = BenchCommand.syntheticImage(SIZE);
        try (DiifModel diif = paperModel(backend, "edsr-diif", 0); DiifModel liif = paperModel(backend, "edsr-liif", 0)) {
            for (int warmup = 0; warmup < 3; warmup++) {
                upscaleSeconds(diif, image, o);
            }
            upscaleSeconds(liif, image, o);
            for (int p = 0; p < n; p++) {
                double d = upscaleSeconds(diif, image, o);
                double l = upscaleSeconds(liif, image, o);
                System.out.printf(Locale.ROOT, "%s x%s pair %d: DIIF %.3f s, LIIF %.3f s, ratio %.1f%n", backend,
                        scale, p, d, l, l / d);
            }
        }
    }

    private static double upscaleSeconds(DiifModel model, float[] image, int o) {
        long[] t = BenchCommand.encodeAndRender(model, image, SIZE, o);
        return (t[0] + t[1]) / 1e9;
    }

    private static void load(String backend) {
        long t0 = System.nanoTime();
        io.diif.internal.backends.Backends.select(backend);
        long t1 = System.nanoTime();
        try (DiifModel model = DiifModel.builder().backend(backend).modelResource(Diif.DEFAULT_MODEL_RESOURCE).build()) {
            long t2 = System.nanoTime();
            System.out.printf(Locale.ROOT, "%s: engine %.3f s + default model %.3f s = %.3f s%n", model.backendName(),
                    (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t2 - t0) / 1e9);
        }
    }

    /** Minor page faults, user and system CPU ticks (1/100 s) of this process so far. */
    private static long[] processStat() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[7]), Long.parseLong(f[11]), Long.parseLong(f[12])};
    }
}
