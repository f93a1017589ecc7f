package io.diif.examples;

import io.diif.DiifModel;
import io.diif.FloatImage;
import io.diif.ImageRepresentation;
import io.diif.Window;
import io.diif.examples.cli.CommonOptions;
import io.diif.examples.cli.EngineOptions;
import io.diif.examples.cli.Positionals;
import io.diif.examples.cli.RenderProgress;
import io.diif.examples.cli.Streams;
import io.diif.examples.cli.UsageException;
import io.diif.examples.cli.Values;
import io.diif.internal.imaging.ImageFiles;
import io.diif.internal.output.Npy;
import io.diif.internal.output.RowWriter;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code diif upscale IN OUT (--scale S | --size WxH)}: one image rendered at another size into a file. */
@Command(name = "upscale", sortOptions = false,
        customSynopsis = {"diif upscale IN OUT (--scale S | --scale SXxSY | --size WxH) [--window X,Y,WxH]"
                + " [--model FILE]", "             [--backend NAME] [--precision fp32|bf16|int8]"},
        description = {"Renders IN at another size into OUT.",
            "OUT .png/.tif/.tiff: 8-bit image streamed band by band (memory stays bounded); .jpg/.bmp: 8-bit image;"
                + " .npy: float32 (3, H, W), values y*0.5+0.5 clamped to [0,1]."})
final class UpscaleCommand implements Callable<Integer> {
    private static final List<String> EXTENSIONS = List.of("png", "tif", "tiff", "jpg", "jpeg", "bmp", "npy");

    private final Streams streams;

    @Parameters(paramLabel = "IN OUT", description = "The input image and the output file.")
    private List<String> files = List.of();

    @Option(names = "--scale", paramLabel = "S|SXxSY", converter = Values.ScaleValue.class,
            description = "Scale factor, or factors across and down.")
    private Values.Scale scale;

    @Option(names = "--size", paramLabel = "WxH", converter = Values.SizeValue.class,
            description = "Output size in pixels.")
    private Values.Size size;

    @Option(names = "--window", paramLabel = "X,Y,WxH", converter = Values.WindowValue.class,
            description = "Only that part of the output grid (costs in proportion to it; same pixels).")
    private Values.WindowSpec window;

    @Mixin
    private EngineOptions engine;

    @Mixin
    private CommonOptions common;

    UpscaleCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws IOException {
        Positionals.expect(files, 2, "upscale IN OUT");
        Path in = Path.of(files.get(0));
        Path outPath = Path.of(files.get(1));
        String ext = ImageFiles.extension(outPath);
        if (!EXTENSIONS.contains(ext)) {
            throw new UsageException("OUT must end in .png, .tif, .tiff, .jpg, .jpeg, .bmp or .npy, was " + outPath);
        }
        if ((scale == null) == (size == null)) {
            throw new UsageException("give exactly one of --scale S and --size WxH");
        }
        // Arguments, then the input, are checked before the model is read and a backend started: a bad
        // image fails in milliseconds, without loading native engines.
        BufferedImage image = ImageFiles.read(in, DiifModel.DEFAULT_MAX_INPUT_PIXELS);
        int w = size != null ? size.width() : scaled(scale.x(), image.getWidth());
        int h = size != null ? size.height() : scaled(scale.y(), image.getHeight());
        Window part = window != null ? window.inside(w, h) : null;
        try (DiifModel m = engine.open()) {
            long started = System.nanoTime();
            Path parent = outPath.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (RenderProgress progress = RenderProgress.of(streams, common.quiet(),
                    part != null ? part.pixels() : (long) w * h)) {
                if (part != null) {
                    // Only the part of the image the window needs is encoded and only the window decoded;
                    // the pixels equal the same pixels of the whole render.
                    writeWhole(m.render(image).size(w, h).window(part).progress(progress).toFloatImage(), ext,
                            outPath);
                } else {
                    try (ImageRepresentation rep = m.encode(image)) {
                        if (RowWriter.EXTENSIONS.contains(ext)) {
                            // Band by band into OUT.part, moved onto OUT when complete: outputs larger than
                            // memory still work, and a failed render leaves no half file.
                            rep.render().size(w, h).progress(progress).toFile(outPath);
                        } else {
                            writeWhole(rep.render().size(w, h).progress(progress).toFloatImage(), ext, outPath);
                        }
                    }
                }
            }
            if (!common.quiet()) {
                streams.err().printf(Locale.ROOT, "diif: %dx%d -> %dx%d%s with %s on %s in %.2f s -> %s%n",
                        image.getWidth(), image.getHeight(), w, h, part == null ? "" : ", window " + part.width()
                                + "x" + part.height() + " at " + part.x() + "," + part.y(),
                        m.config().name(), m.backendName(), (System.nanoTime() - started) / 1e9, outPath);
            }
        }
        return DiifCli.EXIT_OK;
    }

    /** round(s·size); a scale that leaves no pixel, or more than an int holds, is refused. */
    static int scaled(double s, int size) {
        double v = Math.rint(s * size);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("scale " + s + " turns " + size + " pixels into " + v);
        }
        return (int) v;
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
}
