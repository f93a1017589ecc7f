package io.diif.examples;

import io.diif.Diif;
import io.diif.DiifModel;
import io.diif.FloatImage;
import io.diif.ImageRepresentation;
import io.diif.Precision;
import io.diif.examples.eval.EvalCommand;
import io.diif.Window;
import io.diif.internal.imaging.ImageFiles;
import io.diif.internal.output.Npy;
import io.diif.internal.output.RowWriter;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.model.ModelFormatException;
import io.diif.internal.backends.Backends;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The {@code diif} command line: upscale, sample, info. Every failure is one line on stderr and a
 * non-zero exit code; {@code --verbose} adds the stack trace and backend logging.
 */
public final class DiifCli {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;

    private static final String USAGE = String.join("\n",
            "usage: diif <command> [options]",
            "",
            "  diif upscale IN OUT (--scale S | --scale SXxSY | --size WxH) [--window X,Y,WxH] [--model FILE]",
            "               [--backend NAME] [--precision fp32|bf16|int8]",
            "      OUT .png/.tif/.tiff: 8-bit image streamed band by band (memory stays bounded); .jpg/.bmp: 8-bit",
            "      image; .npy: float32 (3, H, W), values y*0.5+0.5 clamped to [0,1]",
            "      --window: only that part of the output grid (costs in proportion to it; same pixels)",
            "  diif sample IN --model FILE --size WxH x,y [x,y ...]",
            "      prints RGB in [0,1] at continuous points of the WxH output grid (pixel centres at k+0.5)",
            "  diif info [--model FILE] [--backend NAME]",
            "      architecture, parameter count, tensors, backends and which one would run the model",
            "  diif bench --model FILE[,FILE] [--liif-model FILE] [--backend A,B] [--sizes 64,256]",
            "             [--scales 2,3,4,6,12,18,24,30] [--runs 3] [--warmup 3] [--max-gmac 400] [--out table.md]",
            "             [--precision fp32|bf16|int8[,...]] [--macs-only] [--paper-models KIND,...]",
            "      encoder/decoder/end-to-end medians after --warmup seconds of renders (a backend's first row: 5x),",
            "      MACs per pixel, GFLOP/s vs plain",
            "      GEMM, peak RSS; several --precision values take turns render by render",
            "      --macs-only: no timing, a table of parameters and decoder MAC/px per model and scale;",
            "      --paper-models " + String.join(",", RandomModels.PAPER.keySet()) + ": random weights at paper size",
            "  diif export-onnx --model FILE OUTDIR    the networks as standard .onnx files, glue weights, README",
            "  diif batch --input DIR --output DIR (--scale S | --size WxH) [--model FILE] [--backend NAME]",
            "             [--master URL] [--partitions N]",
            "      every file under DIR upscaled with Apache Spark (local or spark://HOST:PORT): OUTPUT/<path>.png,",
            "      OUTPUT/manifest.csv; 'diif batch --help' for more (docs/spark.md)",
            "  diif eval --images DIR|FILE[,...] [--model FILE[,FILE...]]... [--liif-model FILE] [--backend NAME]",
            "            [--scales 2,3,4,6,12,18,24,30] [--max-side N] [--out report.md] [--pictures DIR]",
            "            [--picture-scales 4,12] [--label NAME] [--precision fp32|bf16|int8]",
            "      PSNR (RGB, luma) and SSIM against bicubic on images downscaled by each scale; report.csv per image",
            "      one column per model beside bicubic (one --model: DIIF; several: named by file); a fixed-scale",
            "      model (EDSR-baseline xS) is scored at its scale only",
            "  diif serve --images DIR [--port 8182] [--host 127.0.0.1] [--model FILE] [--backend NAME] [--max-zoom Z]",
            "             [--workers N] [--queue N] [--cache-mb MB] [--max-area PIXELS] [--timeout SECONDS]",
            "      IIIF Image API 3.0 server (DIIF for sizes above the source) and a viewer at /; docs/server.md",
            "",
            "options: --model FILE (default: the bundled default model, when present)",
            "         --backend NAME (onnx, tensorflow, pytorch, java; default: -Ddiif.backend, $DIIF_BACKEND, else the",
            "         fastest present, in that order)",
            "         --precision P (fp32 default; int8 on onnx: faster decoder layers, but below x12 it loses more",
            "         than 0.05 dB PSNR and shifts flat colours, see docs/performance.md; bf16: no backend yet)",
            "         --max-pixels N (output pixel limit), --quiet (no progress), --verbose (stack traces, logs)");

    private final PrintStream out;
    private final PrintStream err;

    DiifCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        boolean verbose = Arrays.asList(args).contains("--verbose");
        // Engines warn about things a user cannot act on (e.g. DJL: "Failed to detect GPU count"); a failure
        // must stay one line, so only errors are logged unless --verbose.
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "error");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.exit(new DiifCli(System.out, System.err).run(args));
    }

    /** Runs one command; returns the exit code. */
    int run(String[] args) {
        Arguments a;
        try {
            a = Arguments.parse(args);
        } catch (UsageException e) {
            err.println("diif: " + printable(e.getMessage()) + " (run 'diif --help' for usage)");
            return EXIT_USAGE;
        }
        if (a.flag("--help") || "help".equals(a.command)) {
            out.println(USAGE);
            return EXIT_OK;
        }
        if (a.command == null) {
            err.println(USAGE);
            return EXIT_USAGE;
        }
        try {
            switch (a.command) {
                case "upscale" -> upscale(a);
                case "sample" -> sample(a);
                case "info" -> info(a);
                case "bench" -> new BenchCommand(out, err).run(a);
                case "export-onnx" -> new ExportOnnxCommand(out, err).run(a);
                case "eval" -> new EvalCommand(out, err).run(a);
                case "batch" -> throw new UsageException("batch runs on Apache Spark from diif-spark's jar: start it"
                        + " with the ./diif launcher, or spark-submit diif-spark-cluster.jar (docs/spark.md)");
                case "serve" -> new ServeCommand(err).run(a);
                default -> throw new UsageException("unknown command '" + a.command + "'");
            }
            return EXIT_OK;
        } catch (UsageException e) {
            err.println("diif: " + printable(e.getMessage()) + " (run 'diif --help' for usage)");
            return EXIT_USAGE;
        } catch (Exception | LinkageError | VirtualMachineError e) {
            // VirtualMachineError: an OutOfMemoryError or StackOverflowError from one huge request leaves
            // the JVM able to print a line and exit; anything is better than a stack trace.
            err.println("diif: error: " + oneLine(e));
            if (a.flag("--verbose")) {
                e.printStackTrace(err);
            }
            return EXIT_FAILURE;
        }
    }

    /** The failure as one printable line: its message, with the exception type where the message alone is unclear. */
    static String oneLine(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + e.getMessage() + "); give Java more with DIIF_JAVA_OPTS=-Xmx8g, or ask for a"
                    + " smaller output";
        }
        if (e instanceof StackOverflowError) {
            return "stack overflow (StackOverflowError); run with --verbose and report it";
        }
        String m = e.getMessage();
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            m = e.getCause().getMessage();
        }
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        } else if (e instanceof java.nio.file.NoSuchFileException && !m.contains("no such file")) {
            m = m + ": no such file";
        } else if (e instanceof java.nio.file.AccessDeniedException) {
            m = m + ": permission denied";
        } else if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() == null) {
            m = m + ": " + e.getClass().getSimpleName(); // e.g. FileAlreadyExistsException: the path alone is unclear
        } else if (!(e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof IOException || e instanceof ModelFormatException || e instanceof UncheckedIOException)) {
            m = e.getClass().getSimpleName() + ": " + m;
        }
        return printable(m);
    }

    /**
     * One line without control characters: file names, tensor names and metadata come from hostile
     * files, and an escape sequence must not reach the terminal.
     */
    public static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 2000));
        for (int i = 0; i < s.length() && sb.length() < 2000; i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\t') {
                sb.append(' ');
            } else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= 2000) {
            sb.append("...");
        }
        return sb.toString();
    }

    private static DiifModel openModel(Arguments a) {
        return openModel(a, a.option("--model"));
    }

    /** The model file {@code model} (null: the bundled default model) on --backend, within --max-pixels. */
    public static DiifModel openModel(Arguments a, String model) {
        DiifModel.Builder b = DiifModel.builder().backend(a.option("--backend")).precision(precision(a));
        if (model != null) {
            b.model(Path.of(model));
        } else {
            b.modelResource(Diif.DEFAULT_MODEL_RESOURCE);
            if (DiifCli.class.getClassLoader().getResource(Diif.DEFAULT_MODEL_RESOURCE) == null) {
                throw new UsageException("no --model given and no default model is bundled; pass --model FILE");
            }
        }
        String max = a.option("--max-pixels");
        if (max != null) {
            b.maxOutputPixels(parseLong("--max-pixels", max));
        }
        return b.build();
    }

    /** The --precision value, fp32 when absent. */
    static Precision precision(Arguments a) {
        String p = a.option("--precision");
        try {
            return p == null ? Precision.FP32 : Precision.parse(p);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--precision: " + e.getMessage());
        }
    }

    private void upscale(Arguments a) throws IOException {
        a.expectPositionals(2, "upscale IN OUT");
        Path in = Path.of(a.positionals.get(0));
        Path outPath = Path.of(a.positionals.get(1));
        String ext = ImageFiles.extension(outPath);
        if (!List.of("png", "tif", "tiff", "jpg", "jpeg", "bmp", "npy").contains(ext)) {
            throw new UsageException("OUT must end in .png, .tif, .tiff, .jpg, .jpeg, .bmp or .npy, was " + outPath);
        }
        String scale = a.option("--scale");
        String size = a.option("--size");
        if ((scale == null) == (size == null)) {
            throw new UsageException("give exactly one of --scale S and --size WxH");
        }
        // Arguments, then the input, are checked before the model is read and a backend started: a bad
        // image fails in milliseconds, without loading native engines.
        int[] sizeArg = size != null ? parsePair("--size", size, 'x') : null;
        double[] scaleArg = scale != null ? parseScale(scale) : null;
        BufferedImage image = ImageFiles.read(in, DiifModel.DEFAULT_MAX_INPUT_PIXELS);
        int w = sizeArg != null ? sizeArg[0] : scaled(scaleArg[0], image.getWidth());
        int h = sizeArg != null ? sizeArg[1] : scaled(scaleArg[1], image.getHeight());
        Window window = a.option("--window") != null ? parseWindow(a.option("--window"), w, h) : null;
        try (DiifModel model = openModel(a)) {
            long started = System.nanoTime();
            Path parent = outPath.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Progress progress = new Progress(err, window != null ? window.pixels() : (long) w * h,
                    a.flag("--quiet"));
            try {
                if (window != null) {
                    // Only the part of the image the window needs is encoded and only the window decoded;
                    // the pixels equal the same pixels of the whole render.
                    writeWhole(model.render(image).size(w, h).window(window).progress(progress).toFloatImage(), ext,
                            outPath);
                } else {
                    try (ImageRepresentation rep = model.encode(image)) {
                        if (RowWriter.EXTENSIONS.contains(ext)) {
                            // Band by band into OUT.part, moved onto OUT when complete: outputs larger than
                            // memory still work, and a failed render leaves no half file.
                            rep.render().size(w, h).progress(progress).toFile(outPath);
                        } else {
                            writeWhole(rep.render().size(w, h).progress(progress).toFloatImage(), ext, outPath);
                        }
                    }
                }
            } finally {
                progress.finish();
            }
            if (!a.flag("--quiet")) {
                err.printf(Locale.ROOT, "diif: %dx%d -> %dx%d%s with %s on %s in %.2f s -> %s%n", image.getWidth(),
                        image.getHeight(), w, h, window == null ? "" : ", window " + window.width() + "x"
                                + window.height() + " at " + window.x() + "," + window.y(),
                        model.config().name(), model.backendName(), (System.nanoTime() - started) / 1e9, outPath);
            }
        }
    }

    private static void writeWhole(FloatImage result, String ext, Path outPath) throws IOException {
        int w = result.width();
        int h = result.height();
        if (ext.equals("npy")) {
            try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(outPath))) {
                Npy.writeFloat32(os, result.toRgb01Array(), 3, h, w);
            }
            return;
        }
        BufferedImage img = result.toBufferedImage();
        if (img.getColorModel().hasAlpha()) {
            BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            rgb.getGraphics().drawImage(img, 0, 0, null);
            img = rgb;
        }
        String format = switch (ext) {
            case "jpeg" -> "jpg";
            case "tif" -> "tiff";
            default -> ext;
        };
        if (!ImageIO.write(img, format, outPath.toFile())) {
            throw new IOException("no ImageIO writer for " + ext);
        }
    }

    private void sample(Arguments a) throws IOException {
        if (a.positionals.size() < 2) {
            throw new UsageException("sample needs IN and at least one x,y point");
        }
        String size = a.option("--size");
        if (size == null) {
            throw new UsageException("sample needs --size WxH (the output grid the points refer to)");
        }
        int[] wh = parsePair("--size", size, 'x');
        double[] xy = new double[2 * (a.positionals.size() - 1)];
        for (int p = 1; p < a.positionals.size(); p++) {
            String[] parts = a.positionals.get(p).split(",");
            if (parts.length != 2) {
                throw new UsageException("point '" + a.positionals.get(p) + "' must be x,y");
            }
            xy[2 * (p - 1)] = parseDouble("x", parts[0]);
            xy[2 * (p - 1) + 1] = parseDouble("y", parts[1]);
        }
        BufferedImage image = ImageFiles.read(Path.of(a.positionals.get(0)), DiifModel.DEFAULT_MAX_INPUT_PIXELS);
        try (DiifModel model = openModel(a);
                ImageRepresentation rep = model.encode(image)) {
            float[] raw = rep.sampleRaw(wh[0], wh[1], xy);
            float mean = model.config().mean();
            float std = model.config().std();
            for (int p = 0; p < xy.length / 2; p++) {
                out.printf(Locale.ROOT, "%s,%s: %.6f %.6f %.6f%n", fmt(xy[2 * p]), fmt(xy[2 * p + 1]),
                        clamp01(raw[3 * p] * std + mean), clamp01(raw[3 * p + 1] * std + mean),
                        clamp01(raw[3 * p + 2] * std + mean));
            }
        }
    }

    private void info(Arguments a) throws IOException {
        Backends.Discovery d = Backends.discover();
        String modelPath = a.option("--model");
        ModelFile file = null;
        if (modelPath != null) {
            file = ModelFile.read(Path.of(modelPath));
        } else if (DiifCli.class.getClassLoader().getResource(Diif.DEFAULT_MODEL_RESOURCE) != null) {
            try (var in = DiifCli.class.getClassLoader().getResourceAsStream(Diif.DEFAULT_MODEL_RESOURCE)) {
                file = ModelFile.read(in, "classpath:" + Diif.DEFAULT_MODEL_RESOURCE);
            }
        }
        if (file != null) {
            ModelFile f = file;
            ModelConfig c = file.config();
            out.println("model:        " + printable(file.source()));
            out.println("name:         " + printable(c.name()));
            out.println("architecture: " + describe(c));
            long used = file.parameterCount();
            long registered = io.diif.model.TensorLayout.moduleParameterCount(c);
            out.printf(Locale.ROOT, "parameters:   %,d%s%n", used, registered == used ? ""
                    : String.format(Locale.ROOT, " (%,d counting EDSR's frozen mean-shift layers, as PyTorch's"
                            + " parameters() does)", registered));
            long decoder = io.diif.model.TensorLayout.decoderParameterCount(c);
            out.printf(Locale.ROOT, "decoder:      %,d parameters (%.1fK in the DIIF paper's Tables 3-4, which count"
                    + " 1,000/1.024 per K)%n", decoder, decoder * 1.024 / 1000);
            Map<String, Object> training = file.training();
            if (!training.isEmpty()) {
                out.println("trained:      " + printable(describeTraining(training)));
            }
            out.println("tensors:");
            f.parameters().forEach((name, p) -> out.printf(Locale.ROOT, "  %-34s %-18s %s%n", printable(name),
                    Arrays.toString(p.shape()), f.storedDtypes().get(name)));
            for (Map.Entry<String, String> m : file.metadata().entrySet()) {
                if (!m.getKey().equals(ModelConfig.METADATA_KEY)) {
                    out.println("metadata " + printable(m.getKey()) + ": " + printable(m.getValue()));
                }
            }
        } else {
            out.println("model:        none given and no default model bundled (use --model FILE)");
        }
        out.println("backends:     " + (d.available().isEmpty() ? "none" : String.join(", ",
                d.available().stream().map(p -> p.name() + " (priority " + p.priority() + ")").toList())));
        d.unavailable().forEach((n, why) -> out.println("unavailable:  " + n + ": " + why));
        d.broken().forEach(b -> out.println("failed:       " + b));
        Backends.Choice chosen = Backends.choose(a.option("--backend"));
        out.println("would run on: " + chosen.provider().name() + " (" + (chosen.source() == Backends.Source.REQUESTED
                ? "named by --backend" : chosen.reason()) + ")");
    }

    /** One line from a model's training record: steps, data, date, final loss, validation. */
    static String describeTraining(Map<String, Object> t) {
        List<String> parts = new ArrayList<>();
        if (t.get("steps") instanceof Number n) {
            parts.add(String.format(Locale.ROOT, "%,d steps", n.longValue()));
        }
        if (t.get("samples") instanceof Number n) {
            parts.add(String.format(Locale.ROOT, "%,d patches", n.longValue()));
        }
        if (t.get("train_seconds") instanceof Number n) {
            parts.add(String.format(Locale.ROOT, "%.1f h on %s", n.doubleValue() / 3600, t.get("devices")));
        }
        if (t.get("data") instanceof Map<?, ?> d) {
            parts.add("data " + d.get("photos") + " photos, " + (d.get("pixels") instanceof Number p
                    ? String.format(Locale.ROOT, "%.0f Mpixels", p.doubleValue() / 1e6) : "?"));
        }
        if (t.get("final_loss") != null) {
            parts.add("final L1 " + t.get("final_loss"));
        }
        if (t.get("date") != null) {
            parts.add("exported " + t.get("date"));
        }
        if (parts.isEmpty()) {
            parts.add(t.toString());
        }
        return String.join("; ", parts);
    }

    static String describe(ModelConfig c) {
        return c.encoder().summary() + " + " + c.decoder().summary();
    }

    private static float clamp01(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }

    static int scaled(double s, int size) {
        double v = Math.rint(s * size);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("scale " + s + " turns " + size + " pixels into " + v);
        }
        return (int) v;
    }

    static double[] parseScale(String s) {
        int x = s.toLowerCase(Locale.ROOT).indexOf('x');
        if (x > 0) {
            return new double[] {parseScaleValue(s.substring(0, x)), parseScaleValue(s.substring(x + 1))};
        }
        double v = parseScaleValue(s);
        return new double[] {v, v};
    }

    private static double parseScaleValue(String s) {
        double v = parseDouble("--scale", s);
        if (!Double.isFinite(v) || v <= 0) {
            throw new UsageException("--scale must be finite and > 0, was " + s);
        }
        return v;
    }

    /** {@code X,Y,WxH}: a window of the {@code gridW × gridH} output grid, checked to lie inside it. */
    static Window parseWindow(String s, int gridW, int gridH) {
        String[] parts = s.split(",", -1);
        if (parts.length != 3) {
            throw new UsageException("--window must look like X,Y,WxH (e.g. 3584,3584,512x512), was '" + s + "'");
        }
        int x = (int) parseLong("--window", parts[0]);
        int y = (int) parseLong("--window", parts[1]);
        int[] wh = parsePair("--window", parts[2], 'x');
        if (x < 0 || y < 0 || (long) x + wh[0] > gridW || (long) y + wh[1] > gridH) {
            throw new UsageException("--window " + s + " is not inside the " + gridW + "x" + gridH + " output");
        }
        return new Window(x, y, wh[0], wh[1]);
    }

    static int[] parsePair(String option, String s, char sep) {
        int i = s.toLowerCase(Locale.ROOT).indexOf(sep);
        if (i <= 0) {
            throw new UsageException(option + " must look like W" + sep + "H, was '" + s + "'");
        }
        int w = (int) parseLong(option, s.substring(0, i));
        int h = (int) parseLong(option, s.substring(i + 1));
        if (w <= 0 || h <= 0) {
            throw new UsageException(option + " needs sizes > 0, was '" + s + "'");
        }
        return new int[] {w, h};
    }

    public static long parseLong(String option, String s) {
        try {
            long v = Long.parseLong(s.trim());
            if (v > Integer.MAX_VALUE && !option.equals("--max-pixels")) {
                throw new UsageException(option + " value " + s + " is too large");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs an integer, was '" + s + "'");
        }
    }

    static double parseDouble(String option, String s) {
        try {
            return Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a number, was '" + s + "'");
        }
    }

    /** A mistake in how the command was called (exit code 2). */
    public static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    /** Parsed command line: command, positionals, --options with values and --flags. */
    public static final class Arguments {
        private static final List<String> WITH_VALUE = List.of("--scale", "--size", "--window", "--model", "--backend",
                "--max-pixels", "--liif-model", "--sizes", "--scales", "--runs", "--warmup", "--max-gmac", "--out",
                "--paper-models", "--precision",
                "--images", "--max-side", "--pictures", "--picture-scales", "--label",
                "--port", "--host", "--max-zoom", "--workers", "--queue", "--cache-mb", "--max-area", "--timeout");
        private static final List<String> FLAGS = List.of("--verbose", "--quiet", "--help", "--macs-only");
        /** Options a command may take several times ({@code diif eval --model A --model B}); see {@link #values}. */
        private static final List<String> REPEATABLE = List.of("--model");
        String command;
        final List<String> positionals = new ArrayList<>();
        final java.util.Map<String, String> options = new java.util.HashMap<>();
        final java.util.Set<String> flags = new java.util.HashSet<>();
        final java.util.Map<String, List<String>> repeated = new java.util.HashMap<>();

        static Arguments parse(String[] args) {
            Arguments a = new Arguments();
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.startsWith("--")) {
                    String name = arg;
                    String value = null;
                    int eq = arg.indexOf('=');
                    if (eq > 0) {
                        name = arg.substring(0, eq);
                        value = arg.substring(eq + 1);
                    }
                    if (FLAGS.contains(name)) {
                        a.flags.add(name);
                    } else if (WITH_VALUE.contains(name)) {
                        if (value == null) {
                            if (i + 1 >= args.length) {
                                throw new UsageException(name + " needs a value");
                            }
                            value = args[++i];
                        }
                        if (REPEATABLE.contains(name)) {
                            a.repeated.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
                        } else if (a.options.put(name, value) != null) {
                            throw new UsageException(name + " given twice");
                        }
                    } else {
                        throw new UsageException("unknown option " + name);
                    }
                } else if (arg.equals("-h")) {
                    a.flags.add("--help");
                } else if (a.command == null) {
                    a.command = arg;
                } else {
                    a.positionals.add(arg);
                }
            }
            return a;
        }

        /** The value of an option given at most once (a repeatable one given twice is refused here). */
        public String option(String name) {
            List<String> values = repeated.getOrDefault(name, List.of());
            if (values.size() > 1) {
                throw new UsageException(name + " given " + values.size() + " times; " + command + " takes one");
            }
            return values.isEmpty() ? options.get(name) : values.get(0);
        }

        /** Every value of a repeatable option, each also split at commas ({@code --model A,B --model C}). */
        public List<String> values(String name) {
            List<String> all = new ArrayList<>();
            for (String v : repeated.getOrDefault(name, List.of())) {
                for (String part : v.split(",", -1)) {
                    if (part.isBlank()) {
                        throw new UsageException(name + " has an empty entry in '" + v + "'");
                    }
                    all.add(part);
                }
            }
            return all;
        }

        public boolean flag(String name) {
            return flags.contains(name);
        }

        public void expectPositionals(int n, String what) {
            if (positionals.size() != n) {
                throw new UsageException(what + ": expected " + n + " arguments, got " + positionals.size());
            }
        }
    }
}
