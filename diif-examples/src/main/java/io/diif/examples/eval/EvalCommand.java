package io.diif.examples.eval;

import io.diif.DiifModel;
import io.diif.ImageRepresentation;
import io.diif.examples.cli.CommonOptions;
import io.diif.examples.cli.EngineOptions;
import io.diif.examples.cli.Messages;
import io.diif.examples.cli.Positionals;
import io.diif.examples.cli.Streams;
import io.diif.examples.cli.UsageException;
import io.diif.examples.cli.Values;
import io.diif.internal.imaging.ImageFiles;
import io.diif.model.ModelConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code diif eval}: the super-resolution benchmark protocol on a set of photos. For each photo and scale
 * s, the photo centre-cropped to a multiple of s is the truth; its antialiased bicubic downscale by 1/s,
 * quantised to 8 bits, is the input; bicubic, LIIF (with --liif-model) and each --model (one: "DIIF")
 * enlarge it back and are scored against the truth (PSNR, SSIM). A fixed-scale model is scored at its scale. Prints a Markdown table of means per scale; with --out also
 * writes it and a per-image CSV, with --pictures comparison crops of the first photo.
 */
@Command(name = "eval", sortOptions = false,
        customSynopsis = {"diif eval --images DIR|FILE[,...] [--model FILE[,FILE...]]... [--liif-model [FILE]]"
                + " [--backend NAME]", "          [--scales 2,3,4,6,12,18,24,30] [--max-side N] [--out report.md]"
                + " [--pictures DIR]", "          [--picture-scales 4,12] [--label NAME] [--precision fp32|bf16|int8]"},
        description = {"PSNR (RGB, luma) and SSIM against bicubic on images downscaled by each scale; report.csv"
                + " per image.", "One column per model beside bicubic (one --model: DIIF; several: named by file);"
                + " a fixed-scale model (EDSR-baseline xS) is scored at its scale only."})
public final class EvalCommand implements Callable<Integer> {
    private static final String DEFAULT_SCALES = "2,3,4,6,12,18,24,30";
    private static final List<Integer> DEFAULT_PICTURE_SCALES = List.of(4, 12);
    private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif", "tif", "tiff");
    /** Inputs of fewer pixels a side say nothing about a model and leave too little truth to score. */
    private static final int MIN_INPUT_SIDE = 4;

    private final PrintStream out;
    private final PrintStream err;

    @Parameters(hidden = true)
    private List<String> args = List.of();

    @Option(names = "--images", paramLabel = "DIR|FILE[,...]", description = "The photos to downscale and"
            + " restore: files, and the image files of directories.")
    private String images;

    @Option(names = "--liif-model", paramLabel = "FILE", arity = "0..1", fallbackValue = EngineOptions.BUNDLED_LIIF,
            description = "A LIIF model scored beside the others; without FILE, the bundled one (diif-model-liif).")
    private String liifModel;

    @Mixin
    private EngineOptions engine;

    @Option(names = "--scales", paramLabel = "S,...", description = "Whole scales, default " + DEFAULT_SCALES + ".")
    private String scalesOption = DEFAULT_SCALES;

    @Option(names = "--max-side", paramLabel = "N", description = "Score only the centre N x N of each photo.")
    private String maxSideOption;

    @Option(names = "--out", paramLabel = "FILE", description = "Also write the Markdown report here, and the"
            + " per-image CSV next to it.")
    private Path reportOption;

    @Option(names = "--pictures", paramLabel = "DIR", description = "Comparison crops of the first photo go here.")
    private Path picturesOption;

    @Option(names = "--picture-scales", paramLabel = "S,...", description = "Scales of the pictures, each one of"
            + " --scales (default: 4 and 12 where evaluated).")
    private String pictureScalesOption;

    @Option(names = "--label", paramLabel = "NAME", description = "The images' name in the report (default: the"
            + " --images entries' names).")
    private String label;

    @Mixin
    private CommonOptions common;

    public EvalCommand(Streams streams) {
        this.out = streams.out();
        this.err = streams.err();
    }

    /**
     * One photo at one scale, 8-bit: the truth, the model input and each method's output at the truth's size
     * (null for a method that does not render that scale).
     */
    record Trial(Rgb8 truth, Rgb8 input, List<Rgb8> outputs) {
    }

    /** A column of the report: bicubic when {@code model} is null. */
    record Method(String name, DiifModel model) {
        /** Whether it renders ×{@code scale}: every scale, except for a model with its own fixed upsampler. */
        boolean renders(int scale) {
            return model == null || !(model.config().encoder() instanceof ModelConfig.EdsrBaseline e)
                    || !e.upsamples() || e.upsampleScale() == scale;
        }

        Rgb8 upscale(Rgb8 input, int width, int height) {
            if (model == null) {
                return input.resize(width, height);
            }
            try (ImageRepresentation rep = model.encode(input.toUnit(), input.width(), input.height())) {
                return Rgb8.of(rep.render().size(width, height).toImage());
            }
        }

        String describe() {
            return String.format(Locale.ROOT, "%s: %s, %,d parameters", name, Messages.printable(model.config().name()),
                    model.parameterCount());
        }
    }

    /** What to evaluate and where results go, checked before any model loads. */
    private record Settings(List<Path> images, String label, int[] scales, int maxSide, Path pictures,
            List<Integer> pictureScales, Path report, boolean quiet) {
    }

    @Override
    public Integer call() throws IOException {
        Settings settings = settings();
        List<String> files = engine.model().files();
        List<String> names = columnNames(files);
        List<DiifModel> models = new ArrayList<>();
        try (DiifModel liif = liifModel != null ? engine.open(liifModel) : null) {
            List<Method> methods = new ArrayList<>(List.of(new Method("bicubic", null)));
            if (liif != null) {
                methods.add(new Method("LIIF", liif));
            }
            for (int i = 0; i < Math.max(1, files.size()); i++) {
                DiifModel loaded = engine.open(files.isEmpty() ? null : files.get(i));
                models.add(loaded);
                methods.add(new Method(names.get(i), loaded));
            }
            DiifModel diif = models.get(0);
            List<EvalReport.ImageScores> rows = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            for (int i = 0; i < settings.images().size(); i++) {
                evaluateImage(settings, i, methods, rows, notes);
            }
            String header = String.format(Locale.ROOT, "**diif eval** · %s · backend %s, %s · images: %s (%d%s)",
                    String.join(" · ", methods.stream().filter(m -> m.model() != null).map(Method::describe).toList()),
                    diif.backendName(), diif.precision().label(), Messages.printable(settings.label()), settings.images().size(),
                    settings.maxSide() < Integer.MAX_VALUE ? ", centre " + settings.maxSide() + " px a side at most"
                            : "");
            EvalReport result = new EvalReport(header, methods.stream().map(Method::name).toList(), settings.scales(),
                    rows, notes);
            String markdown = result.markdown();
            out.print(markdown);
            if (settings.report() != null) {
                Path parent = settings.report().toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(settings.report(), markdown);
                Files.writeString(csvNextTo(settings.report()), result.csv());
            }
        } finally {
            models.forEach(DiifModel::close);
        }
        return 0;
    }

    /**
     * The column of each --model: "DIIF" for one (or the default model); for several, the file name without
     * its extension, numbered where two are the same.
     */
    static List<String> columnNames(List<String> files) {
        if (files.size() <= 1) {
            return List.of("DIIF");
        }
        List<String> names = new ArrayList<>();
        for (String f : files) {
            Path name = Path.of(f).getFileName();
            String stem = name == null ? f : name.toString().replaceFirst("\\.safetensors$", "");
            String unique = stem;
            for (int n = 2; names.contains(unique) || unique.equals("bicubic") || unique.equals("LIIF"); n++) {
                unique = stem + " (" + n + ")";
            }
            names.add(unique);
        }
        return names;
    }

    private Settings settings() throws IOException {
        Positionals.expect(args, 0, "eval");
        if (images == null) {
            throw new UsageException("eval needs --images DIR|FILE[,...] (the photos to downscale and restore)");
        }
        int[] scales = parseScales("--scales", scalesOption);
        int maxSide = maxSideOption != null ? atLeastOne("--max-side", maxSideOption) : Integer.MAX_VALUE;
        List<Integer> pictureScales = pictureScales(pictureScalesOption, picturesOption != null, scales);
        if (reportOption != null && reportOption.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")) {
            throw new UsageException("--out names the Markdown report (the per-image CSV goes next to it), was "
                    + reportOption);
        }
        return new Settings(listImages(images), label != null ? label : defaultLabel(images), scales, maxSide,
                picturesOption, pictureScales, reportOption, common.quiet());
    }

    /** Scores image {@code index} at every scale, adding a row per scale and its pictures. */
    private void evaluateImage(Settings settings, int index, List<Method> methods, List<EvalReport.ImageScores> rows,
            List<String> notes) throws IOException {
        Path path = settings.images().get(index);
        String name = path.getFileName().toString();
        Rgb8 photo = Rgb8.of(ImageFiles.read(path, DiifModel.DEFAULT_MAX_INPUT_PIXELS));
        photo = photo.centreCrop(Math.min(photo.width(), settings.maxSide()), Math.min(photo.height(), settings.maxSide()));
        boolean pictures = index == 0 && !settings.pictureScales().isEmpty();
        int[] detail = pictures ? ComparisonPicture.detailCentre(photo) : null;
        for (int scale : settings.scales()) {
            long started = System.nanoTime();
            int width = photo.width() - photo.width() % scale;
            int height = photo.height() - photo.height() % scale;
            String skipped = Scores.whyTooSmall(width, height, scale, MIN_INPUT_SIDE);
            boolean picture = pictures && settings.pictureScales().contains(scale);
            List<Scores> scores = List.of();
            if (skipped == null) {
                Trial trial = trial(photo.centreCrop(width, height), scale, methods);
                scores = trial.outputs().stream().map(o -> o == null ? null : Scores.of(trial.truth(), o, scale))
                        .toList();
                if (picture) {
                    Path file = writePicture(settings.pictures(), trial, scale, methods, scores,
                            detail[0] - (photo.width() - width) / 2, detail[1] - (photo.height() - height) / 2);
                    notes.add("Picture ×" + scale + ": " + file + " (" + Messages.printable(name) + ").");
                }
            } else if (picture) {
                notes.add("No picture at ×" + scale + ": " + Messages.printable(name) + " is too small (" + skipped
                        + ").");
            }
            rows.add(new EvalReport.ImageScores(path.toString(), name, scale, width, height, skipped, scores));
            if (!settings.quiet()) {
                err.println(progressLine(index, settings.images().size(), name, scale, width, height, methods, scores,
                        skipped, started));
            }
        }
    }

    /** The protocol for one truth: its downscale by 1/scale as the input, and each method's restoration. */
    static Trial trial(Rgb8 truth, int scale, List<Method> methods) {
        Rgb8 input = truth.resize(truth.width() / scale, truth.height() / scale);
        List<Rgb8> outputs = new ArrayList<>();
        for (Method m : methods) {
            outputs.add(m.renders(scale) ? m.upscale(input, truth.width(), truth.height()) : null);
        }
        return new Trial(truth, input, outputs);
    }

    private static Path writePicture(Path dir, Trial trial, int scale, List<Method> methods, List<Scores> scores,
            int detailX, int detailY) throws IOException {
        Files.createDirectories(dir);
        List<String> labels = new ArrayList<>();
        List<Rgb8> outputs = new ArrayList<>();
        for (int m = 0; m < methods.size(); m++) {
            if (scores.get(m) != null) {
                labels.add(String.format(Locale.ROOT, "%s %.2f dB", methods.get(m).name(), scores.get(m).psnrRgb()));
                outputs.add(trial.outputs().get(m));
            }
        }
        Rgb8 truth = trial.truth();
        ComparisonPicture.Crop crop = ComparisonPicture.Crop.around(detailX, detailY, scale, truth.width(),
                truth.height());
        Path file = dir.resolve("compare-x" + scale + ".png");
        if (!ImageIO.write(ComparisonPicture.draw(crop, scale, trial.input(), outputs, labels, truth), "png",
                file.toFile())) {
            throw new IOException("no ImageIO writer for png");
        }
        return file;
    }

    private static String progressLine(int index, int count, String name, int scale, int width, int height,
            List<Method> methods, List<Scores> scores, String skipped, long started) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "eval: %d/%d %s x%d", index + 1, count,
                Messages.printable(name), scale));
        if (skipped != null) {
            return sb.append(": skipped, ").append(skipped).toString();
        }
        sb.append(" (").append(width).append('x').append(height).append("):");
        for (int m = 0; m < methods.size(); m++) {
            Scores s = scores.get(m);
            sb.append(String.format(Locale.ROOT, "%s %s %s", m == 0 ? "" : ",", methods.get(m).name(),
                    s == null ? "not at this scale" : String.format(Locale.ROOT, "%.2f dB", s.psnrRgb())));
        }
        return sb.append(String.format(Locale.ROOT, " (%.1f s)", (System.nanoTime() - started) / 1e9)).toString();
    }

    /** Every file given, and the image files (by extension, sorted, not hidden) of every directory given. */
    static List<Path> listImages(String option) throws IOException {
        List<Path> images = new ArrayList<>();
        for (String entry : option.split(",", -1)) {
            if (entry.isBlank()) {
                throw new UsageException("--images has an empty entry in '" + option + "'");
            }
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.list(path)) {
                    List<Path> found = files.filter(f -> Files.isRegularFile(f) && isImageName(f)).sorted().toList();
                    if (found.isEmpty()) {
                        throw new IOException(path + ": no image files (" + String.join(", ",
                                IMAGE_EXTENSIONS.stream().sorted().toList()) + ") in this directory");
                    }
                    images.addAll(found);
                }
            } else if (Files.exists(path)) {
                images.add(path);
            } else {
                throw new NoSuchFileException(path.toString());
            }
        }
        return images;
    }

    private static boolean isImageName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return !name.startsWith(".") && dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1));
    }

    private static String defaultLabel(String option) {
        return String.join(", ", Arrays.stream(option.split(",")).map(e -> {
            Path name = Path.of(e).getFileName();
            return name != null ? name.toString() : e;
        }).toList());
    }

    static int[] parseScales(String option, String value) {
        String[] parts = value.split(",", -1);
        int[] scales = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            scales[i] = atLeastOne(option, parts[i]);
            for (int j = 0; j < i; j++) {
                if (scales[j] == scales[i]) {
                    throw new UsageException(option + " lists " + scales[i] + " twice, in '" + value + "'");
                }
            }
        }
        return scales;
    }

    private static int atLeastOne(String option, String value) {
        long v = Values.integer(option, value);
        if (v < 1) {
            throw new UsageException(option + " needs whole numbers >= 1, was " + value.trim());
        }
        return (int) v;
    }

    /** --picture-scales, each one of --scales; by default those of ×4 and ×12 that are. Empty without --pictures. */
    private static List<Integer> pictureScales(String option, boolean pictures, int[] scales) {
        List<Integer> evaluated = Arrays.stream(scales).boxed().toList();
        if (!pictures) {
            if (option != null) {
                throw new UsageException("--picture-scales needs --pictures DIR (where the pictures go)");
            }
            return List.of();
        }
        if (option == null) {
            return DEFAULT_PICTURE_SCALES.stream().filter(evaluated::contains).toList();
        }
        List<Integer> chosen = Arrays.stream(parseScales("--picture-scales", option)).boxed().toList();
        for (int s : chosen) {
            if (!evaluated.contains(s)) {
                throw new UsageException("--picture-scales " + s + " is not one of --scales "
                        + String.join(",", evaluated.stream().map(String::valueOf).toList()));
            }
        }
        return chosen;
    }

    private static Path csvNextTo(Path report) {
        String name = report.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return report.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".csv");
    }
}
