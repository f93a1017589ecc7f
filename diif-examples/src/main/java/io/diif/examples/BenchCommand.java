package io.diif.examples;

import io.diif.Diif;
import io.diif.DiifModel;
import io.diif.ImageRepresentation;
import io.diif.Precision;
import io.diif.examples.cli.CommonOptions;
import io.diif.examples.cli.EngineOptions;
import io.diif.examples.cli.ModelOption;
import io.diif.examples.cli.Positionals;
import io.diif.examples.cli.Streams;
import io.diif.examples.cli.UsageException;
import io.diif.examples.cli.Values;
import io.diif.graph.Graph;
import io.diif.graph.Parameter;
import io.diif.internal.backends.Backends;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import io.diif.spi.Rows;
import io.diif.spi.support.ReducedLayers;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code diif bench}: encoder, decoder and end-to-end times per backend, model, input size and scale;
 * multiply-accumulates per output pixel as counted by the graphs that run; achieved GFLOP/s next to a
 * plain float32 GEMM of the decoder's shape on the same backend; peak resident memory. Medians of
 * several runs after at least 3 s of warm-up renders ({@code --warmup}). Prints a Markdown table.
 *
 * <p>{@code --precision fp32,int8} measures each row in every precision listed, the renders of the
 * precisions taking turns, so that a ratio between them is taken at the same moments of a shared host.
 * Each precision's decode is compared with the plain GEMM in that precision.
 */
@Command(name = "bench", sortOptions = false,
        customSynopsis = {"diif bench --model FILE[,FILE] [--liif-model [FILE]] [--backend A,B] [--sizes 64,256]",
            "           [--scales 2,3,4,6,12,18,24,30] [--runs 3] [--warmup 3] [--max-gmac 400] [--out table.md]",
            "           [--precision fp32|bf16|int8[,...]] [--macs-only] [--paper-models KIND,...]"},
        description = {"Encoder/decoder/end-to-end medians after --warmup seconds of renders (a backend's first"
                + " row: 5x), MACs per pixel, GFLOP/s vs plain GEMM, peak RSS; several --precision values take"
                + " turns render by render.",
            "--macs-only: no timing, a table of parameters and decoder MAC/px per model and scale."})
final class BenchCommand implements Callable<Integer> {
    private final PrintStream out;
    private final PrintStream err;

    /** Default seconds of warm-up renders before each row's timed runs (at least one render). */
    private static final String DEFAULT_WARMUP_SECONDS = "3";
    /** The first row of each backend warms up this many times --warmup. */
    private static final int FIRST_ROW_WARMUP = 5;
    /** GEMM runs timed after each timed render, for the decode/GEMM ratio of the same moments. */
    private static final int GEMM_RUNS_PER_RENDER = 5;

    @Parameters(hidden = true)
    private List<String> args = List.of();

    @Mixin
    private ModelOption model;

    @Option(names = "--liif-model", paramLabel = "FILE", arity = "0..1", fallbackValue = EngineOptions.BUNDLED_LIIF,
            description = "A LIIF model measured beside --model; without FILE, the bundled one (diif-model-liif).")
    private String liifModel;

    @Option(names = "--paper-models", paramLabel = "KIND,...", description = "Random weights at paper size: "
            + "${COMPLETION-CANDIDATES}.", completionCandidates = RandomModels.Kinds.class)
    private String paperModels;

    @Option(names = "--backend", paramLabel = "A,B",
            description = "Backends to measure (default: every one present but java).")
    private String backends;

    @Option(names = "--sizes", paramLabel = "64,256", description = "Input sizes (square), default 64,256.")
    private String sizes = "64,256";

    @Option(names = "--scales", paramLabel = "S,...", description = "Scales, default 2,3,4,6,12,18,24,30.")
    private String scales = "2,3,4,6,12,18,24,30";

    @Option(names = "--runs", paramLabel = "N", converter = Values.IntValue.class,
            description = "Timed runs per row, default 3.")
    private int runs = 3;

    @Option(names = "--warmup", paramLabel = "SECONDS", description = "Warm-up renders per row, 0 to 3600 s,"
            + " default " + DEFAULT_WARMUP_SECONDS + ".")
    private String warmup = DEFAULT_WARMUP_SECONDS;

    @Option(names = "--max-gmac", paramLabel = "G", converter = Values.NumberValue.class,
            description = "Skip rows of more decoder GMAC, default 400.")
    private double maxGmac = 400;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the table here.")
    private Path outFile;

    @Option(names = "--precision", paramLabel = "P,...", split = ",", converter = Values.PrecisionValue.class,
            description = "fp32 (default), bf16, int8; several take turns render by render.")
    private List<Precision> precision;

    @Option(names = "--macs-only", description = "No timing: parameters and decoder MAC/px per model and scale.")
    private boolean macsOnly;

    @Mixin
    private CommonOptions common;

    BenchCommand(Streams streams) {
        this.out = streams.out();
        this.err = streams.err();
    }

    record Row(String backend, Precision precision, String model, int size, double scale, double encodeS, double decodeS, double totalS,
            double macsPerPixel, double gflops, double gemmGflops, long peakRssMb) {
    }

    @Override
    public Integer call() throws IOException {
        Positionals.expect(args, 0, "bench");
        List<String> models = new ArrayList<>();
        if (model.file() != null) {
            models.addAll(Arrays.asList(model.file().split(",")));
        }
        if (liifModel != null) {
            if (models.isEmpty() && paperModels == null) {
                // A LIIF alone is timed against what it is the baseline of: the bundled default DIIF.
                models.add(EngineOptions.CLASSPATH + Diif.DEFAULT_MODEL_RESOURCE);
            }
            models.add(liifModel);
        }
        if (paperModels != null) {
            for (String kind : paperModels.split(",")) {
                models.add("paper:" + kind);
            }
        }
        if (models.isEmpty()) {
            throw new UsageException("bench needs --model FILE[,FILE], --liif-model [FILE] or"
                    + " --paper-models edsr-diif,edsr-liif");
        }
        List<String> engines = backends != null ? Arrays.asList(backends.split(","))
                : Backends.discover().availableNames().stream().filter(n -> !n.equals("java")).toList();
        int[] inputSizes = Arrays.stream(sizes.split(",")).mapToInt(v -> Values.integer("--sizes", v)).toArray();
        double[] outputScales = Arrays.stream(scales.split(",")).mapToDouble(v -> Values.number("--scales", v))
                .toArray();
        if (macsOnly) {
            String table = macsTable(models, engines.isEmpty() ? "java" : engines.get(0), inputSizes, outputScales);
            out.print(table);
            if (outFile != null) {
                Files.writeString(outFile, table);
            }
            return DiifCli.EXIT_OK;
        }
        double warmupSeconds = Values.number("--warmup", warmup);
        if (!(warmupSeconds >= 0 && warmupSeconds <= 3600)) {
            throw new UsageException("--warmup must be between 0 and 3600 seconds, was " + warmup);
        }
        long warmupNanos = (long) (warmupSeconds * 1e9);
        List<Precision> precisions = precisions(precision);
        List<Row> rows = new ArrayList<>();
        StringBuilder loads = new StringBuilder();
        for (String backend : engines) {
            Backend engine = Backends.select(backend);
            for (Precision p : precisions) {
                if (!engine.precisions().contains(p)) {
                    throw new IllegalArgumentException(ReducedLayers.refusal(engine, p));
                }
            }
            // First use in this JVM: loads the engine's native libraries and compiles the model.
            long loadStart = System.nanoTime();
            try (DiifModel first = DiifModel.builder().backend(backend).model(RandomModels.paper("edsr-diif", 0))
                    .build()) {
                loads.append(String.format(Locale.ROOT, "- %s: engine + full-size DIIF model load %.2f s (first in"
                        + " this JVM; %s)%n", backend, (System.nanoTime() - loadStart) / 1e9, first.backendDescription()));
            }
            List<PlainGemm> gemms = new ArrayList<>();
            try {
                for (Precision p : precisions) {
                    gemms.add(new PlainGemm(backend, p));
                    err.printf(Locale.ROOT, "bench: %s %s plain GEMM 256x256 on %d rows: %.1f GFLOP/s%n", backend,
                            p.label(), gemms.get(gemms.size() - 1).rows, gemms.get(gemms.size() - 1).gflops(21));
                }
                measureBackend(backend, precisions, models, inputSizes, outputScales, runs, warmupNanos, maxGmac,
                        gemms, rows);
            } finally {
                gemms.forEach(PlainGemm::close);
            }
        }
        String table = table(rows) + "\n" + loads;
        out.print(table);
        if (outFile != null) {
            Files.writeString(outFile, table);
        }
        return DiifCli.EXIT_OK;
    }

    /**
     * Without timing: each model's parameters and its decoder's multiply-accumulates per output pixel at each
     * size and scale, as counted from the graphs that run ({@link ImageRepresentation#decoderMacsPerPixel}).
     * A model that does not render a scale (a fixed-scale one) gets "—" there.
     */
    static String macsTable(List<String> models, String backend, int[] sizes, double[] scales) throws IOException {
        StringBuilder sb = new StringBuilder("| model | parameters | decoder parameters | input |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|---|");
        for (double scale : scales) {
            sb.append(" ×").append(fmtScale(scale)).append(" MAC/px |");
            rule.append("---:|");
        }
        sb.append('\n').append(rule).append('\n');
        for (String modelPath : models) {
            String name = modelName(modelPath);
            try (DiifModel model = builder(modelPath, backend).build()) {
                for (int size : sizes) {
                    sb.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %d² |", name, model.parameterCount(),
                            io.diif.model.TensorLayout.decoderParameterCount(model.config()), size));
                    try (ImageRepresentation rep = model.encode(syntheticImage(size), size, size)) {
                        for (double scale : scales) {
                            int o = (int) Math.rint(scale * size);
                            String cell;
                            try {
                                cell = String.format(Locale.ROOT, "%,.0f", rep.decoderMacsPerPixel(o, o));
                            } catch (IllegalArgumentException notThisScale) {
                                cell = "—";
                            }
                            sb.append(' ').append(cell).append(" |");
                        }
                    }
                    sb.append('\n');
                }
            }
        }
        return sb.append("\n- Decoder multiply-accumulates per output pixel of a size² input rendered at each scale on ")
                .append(backend).append(", counted from the graphs this implementation runs (parts computed once per"
                        + " latent or slice included); a fixed-scale model counts its upsampler and renders its own"
                        + " scale only (—).\n").toString();
    }

    /** A file's or resource's name without ".safetensors", or the kind of a {@code paper:} model. */
    private static String modelName(String modelPath) {
        return modelPath.startsWith("paper:") ? modelPath.substring(6)
                : Path.of(modelPath.replaceFirst("^" + EngineOptions.CLASSPATH, "")).getFileName().toString()
                        .replace(".safetensors", "");
    }

    private static DiifModel.Builder builder(String modelPath, String backend) throws IOException {
        DiifModel.Builder builder = DiifModel.builder().backend(backend).maxOutputPixels(1L << 31);
        return modelPath.startsWith("paper:") ? builder.model(RandomModels.paper(modelPath.substring(6), 0))
                : EngineOptions.withModel(builder, modelPath);
    }

    /** The --precision values, fp32 when none; each at most once. */
    static List<Precision> precisions(List<Precision> given) {
        if (given == null || given.isEmpty()) {
            return List.of(Precision.FP32);
        }
        List<Precision> precisions = new ArrayList<>();
        for (Precision p : given) {
            if (precisions.contains(p)) {
                throw new UsageException("--precision lists " + p.label() + " twice");
            }
            precisions.add(p);
        }
        return precisions;
    }

    private void measureBackend(String backend, List<Precision> precisions, List<String> models, int[] sizes,
            double[] scales, int runs, long warmupNanos, double maxGmac, List<PlainGemm> gemms, List<Row> rows)
            throws IOException {
        int firstRowOfBackend = rows.size();
        for (String modelPath : models) {
            String name = modelName(modelPath);
            List<DiifModel> loaded = new ArrayList<>();
            try {
                for (Precision p : precisions) {
                    loaded.add(builder(modelPath, backend).precision(p).build());
                }
                DiifModel model = loaded.get(0);
                for (int size : sizes) {
                    float[] image = syntheticImage(size);
                    for (double scale : scales) {
                        int o = (int) Math.rint(scale * size);
                        double macs;
                        try (ImageRepresentation rep = model.encode(image, size, size)) {
                            macs = rep.decoderMacsPerPixel(o, o);
                        } catch (IllegalArgumentException notThisScale) {
                            err.printf(Locale.ROOT, "bench: skip %s %s %d x%s (%s)%n", backend, name, size,
                                    fmtScale(scale), notThisScale.getMessage());
                            continue;
                        }
                        double gmac = macs * o * o / 1e9;
                        if (gmac > maxGmac) {
                            err.printf(Locale.ROOT, "bench: skip %s %s %d x%s (%.0f GMAC > --max-gmac %.0f)%n",
                                    backend, name, size, scale, gmac, maxGmac);
                            continue;
                        }
                        // The first row also warms the code every row shares, which the JIT compiles on busy
                        // cores far more slowly than one row's warm-up lasts (docs/bench.md, warm-up).
                        long rowWarmup = rows.size() == firstRowOfBackend ? FIRST_ROW_WARMUP * warmupNanos
                                : warmupNanos;
                        for (Row r : measure(backend, precisions, name, loaded, image, size, scale, o, macs, gemms,
                                runs, rowWarmup)) {
                            rows.add(r);
                            err.printf(Locale.ROOT, "bench: %s %s %s %d x%s: decode %.3f s, total %.3f s%n", backend,
                                    r.precision().label(), name, size, fmtScale(scale), r.decodeS(), r.totalS());
                        }
                    }
                }
            } finally {
                loaded.forEach(DiifModel::close);
            }
        }
    }

    /** One row per precision; {@code models} and {@code gemms} are in the order of {@code precisions}. */
    private List<Row> measure(String backend, List<Precision> precisions, String name, List<DiifModel> models,
            float[] image, int size, double scale, int o, double macs, List<PlainGemm> gemms, int runs,
            long warmupNanos) {
        resetPeakRss();
        int n = precisions.size();
        double[][] enc = new double[n][runs];
        double[][] dec = new double[n][runs];
        double[][] tot = new double[n][runs];
        // Warm-up until the JIT, the engines' pools and the C heap have settled: the first renders of a shape
        // page-fault fresh memory in, and code new to the JVM runs interpreted. A time, not a count: a few
        // renders of a fast decode leave it far from where it settles (docs/bench.md, warm-up).
        for (DiifModel model : models) {
            long spent = 0;
            do {
                long[] t = encodeAndRender(model, image, size, o);
                spent += t[0] + t[1];
            } while (spent < warmupNanos);
        }
        // The GEMM is timed right after each render: on a shared host the speed of the moment moves by tens
        // of percent within a minute, and decode/GEMM should compare the two at the same moments. The
        // precisions take turns render by render for the same reason.
        double[][] gemmGflops = new double[n][runs * GEMM_RUNS_PER_RENDER];
        for (int r = 0; r < runs; r++) {
            for (int p = 0; p < n; p++) {
                long[] t = encodeAndRender(models.get(p), image, size, o);
                enc[p][r] = t[0] / 1e9;
                dec[p][r] = t[1] / 1e9;
                tot[p][r] = (t[0] + t[1]) / 1e9;
                for (int g = 0; g < GEMM_RUNS_PER_RENDER; g++) {
                    gemmGflops[p][r * GEMM_RUNS_PER_RENDER + g] = gemms.get(p).gflops(1);
                }
            }
        }
        long peak = peakRssMb();
        List<Row> result = new ArrayList<>();
        for (int p = 0; p < n; p++) {
            double d = median(dec[p]);
            double gflops = 2 * macs * o * (double) o / d / 1e9;
            result.add(new Row(backend, precisions.get(p), name, size, scale, median(enc[p]), d, median(tot[p]), macs,
                    gflops, median(gemmGflops[p]), peak));
        }
        return result;
    }

    /** Encodes {@code image} and renders it at {@code o × o}: {encode, decode} in nanoseconds. */
    static long[] encodeAndRender(DiifModel model, float[] image, int size, int o) {
        long t0 = System.nanoTime();
        try (ImageRepresentation rep = model.encode(image, size, size)) {
            long t1 = System.nanoTime();
            rep.render().size(o, o).toFloatImage();
            return new long[] {t1 - t0, System.nanoTime() - t1};
        }
    }

    /**
     * One 256→256 dense layer and its ReLU on a decoder tile's worth of rows (the backend's {@link
     * Backend#preferredTileRows()}): the shape of the decoder's big hidden layers, in the precision they run
     * in, compiled once so that it can be timed next to each measurement. Input and output stay where the
     * engine keeps them ({@link Rows}), as the decoders' do: the GEMM is timed, not a copy of its operands
     * between Java and the engine.
     */
    static final class PlainGemm implements AutoCloseable {
        final int rows;
        private final Executable executable;
        private final Rows input;

        PlainGemm(String backendName, Precision precision) {
            Backend backend = Backends.select(backendName);
            Random random = new Random(1);
            float[] w = new float[256 * 256];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) random.nextGaussian() / 16;
            }
            Graph.Builder g = Graph.builder("gemm", Graph.Layout.ROWS, 256);
            Graph graph = g.build(g.relu(g.linear(g.input(), new Parameter("w", new int[] {256, 256}, w), null)));
            this.rows = backend.preferredTileRows();
            this.executable = backend.compile(graph, precision);
            this.input = executable.allocate(rows, 256);
            float[] row = new float[256];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < 256; c++) {
                    row[c] = (float) random.nextGaussian();
                }
                input.write(r, row);
            }
            executable.run(input).close();
        }

        /** GFLOP/s of the median of {@code runs} runs. */
        double gflops(int runs) {
            double[] t = new double[runs];
            for (int r = 0; r < runs; r++) {
                long t0 = System.nanoTime();
                executable.run(input).close();
                t[r] = (System.nanoTime() - t0) / 1e9;
            }
            return 2.0 * rows * 256 * 256 / median(t) / 1e9;
        }

        @Override
        public void close() {
            input.close();
            executable.close();
        }
    }

    static float[] syntheticImage(int size) {
        // Smooth gradients plus texture: a deterministic stand-in for a photo (timing does not depend on content).
        float[] img = new float[3 * size * size];
        Random random = new Random(size);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double v = 0.5 + 0.3 * Math.sin((x + 7 * c) * 0.11) * Math.cos(y * 0.07) + 0.1 * random.nextDouble();
                    img[(c * size + y) * size + x] = (float) Math.max(0, Math.min(1, v));
                }
            }
        }
        return img;
    }

    static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append("| backend | precision | model | input | scale | output | encode s | decode s | upscale s | decoder MAC/px |"
                + " decode GFLOP/s | GEMM GFLOP/s | decode/GEMM | peak RSS MB |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            int o = (int) Math.rint(r.scale() * r.size());
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d² | ×%s | %d² | %.3f | %.3f | %.3f | %,.0f | %.1f | %.1f"
                    + " | %.0f%% | %d |%n", r.backend(), r.precision().label(), r.model(), r.size(), fmtScale(r.scale()), o, r.encodeS(),
                    r.decodeS(), r.totalS(), r.macsPerPixel(), r.gflops(), r.gemmGflops(),
                    100 * r.gflops() / r.gemmGflops(), r.peakRssMb()));
        }
        return sb.toString();
    }

    private static String fmtScale(double s) {
        return s == Math.rint(s) ? String.valueOf((long) s) : String.valueOf(s);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static void resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        } catch (IOException | RuntimeException e) {
            // Not Linux or not permitted: the peak then covers the whole run so far.
        }
    }

    private static long peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
