package io.diif.examples;

import io.diif.DiifModel;
import io.diif.ImageRepresentation;
import io.diif.examples.cli.CommonOptions;
import io.diif.examples.cli.EngineOptions;
import io.diif.examples.cli.Positionals;
import io.diif.examples.cli.Streams;
import io.diif.examples.cli.UsageException;
import io.diif.examples.cli.Values;
import io.diif.internal.imaging.ImageFiles;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code diif sample IN --size WxH x,y ...}: colours at continuous points of an output grid. */
@Command(name = "sample", sortOptions = false,
        customSynopsis = "diif sample IN --model FILE --size WxH x,y [x,y ...]",
        description = "Prints RGB in [0,1] at continuous points of the WxH output grid (pixel centres at k+0.5).")
final class SampleCommand implements Callable<Integer> {
    private final Streams streams;

    @Parameters(paramLabel = "IN x,y", description = "The input image, then one or more points.")
    private List<String> args = List.of();

    @Option(names = "--size", paramLabel = "WxH", converter = Values.SizeValue.class,
            description = "The output grid the points refer to.")
    private Values.Size size;

    @Mixin
    private EngineOptions engine;

    @Mixin
    private CommonOptions common;

    SampleCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws IOException {
        Positionals.refuseOptions(args);
        if (args.size() < 2) {
            throw new UsageException("sample needs IN and at least one x,y point");
        }
        if (size == null) {
            throw new UsageException("sample needs --size WxH (the output grid the points refer to)");
        }
        double[] xy = new double[2 * (args.size() - 1)];
        for (int p = 1; p < args.size(); p++) {
            String[] parts = args.get(p).split(",");
            if (parts.length != 2) {
                throw new UsageException("point '" + args.get(p) + "' must be x,y");
            }
            xy[2 * (p - 1)] = Values.number("x", parts[0]);
            xy[2 * (p - 1) + 1] = Values.number("y", parts[1]);
        }
        BufferedImage image = ImageFiles.read(Path.of(args.get(0)), DiifModel.DEFAULT_MAX_INPUT_PIXELS);
        try (DiifModel m = engine.open();
                ImageRepresentation rep = m.encode(image)) {
            float[] raw = rep.sampleRaw(size.width(), size.height(), xy);
            float mean = m.config().mean();
            float std = m.config().std();
            for (int p = 0; p < xy.length / 2; p++) {
                streams.out().printf(Locale.ROOT, "%s,%s: %.6f %.6f %.6f%n", fmt(xy[2 * p]), fmt(xy[2 * p + 1]),
                        clamp01(raw[3 * p] * std + mean), clamp01(raw[3 * p + 1] * std + mean),
                        clamp01(raw[3 * p + 2] * std + mean));
            }
        }
        return DiifCli.EXIT_OK;
    }

    private static float clamp01(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v) : String.valueOf(v);
    }
}
