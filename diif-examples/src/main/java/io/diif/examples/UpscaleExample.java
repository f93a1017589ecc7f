package io.diif.examples;

import io.diif.Diif;
import io.diif.DiifModel;
import io.diif.ImageRepresentation;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * The API in a few lines: load a model, encode a photo once, render it at several sizes, sample a point.
 *
 * <pre>
 * java -cp "diif-examples/target/diif-cli.jar:diif-examples/target/lib/*" io.diif.examples.UpscaleExample \
 *     diif-examples/samples/cat-eye.png OUTDIR [MODEL.safetensors]
 * </pre>
 * Without a model file it uses the bundled default model.
 */
public final class UpscaleExample {
    private UpscaleExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2 && args.length != 3) {
            System.err.println("usage: UpscaleExample IMAGE OUTDIR [MODEL]");
            System.exit(2);
        }
        BufferedImage photo = ImageIO.read(new File(args[0]));
        File outDir = new File(args[1]);
        outDir.mkdirs();
        DiifModel.Builder builder = DiifModel.builder();
        if (args.length == 3) {
            builder.model(Path.of(args[2]));
        } else {
            builder.modelResource(Diif.DEFAULT_MODEL_RESOURCE);
        }
        try (DiifModel model = builder.build();
                ImageRepresentation rep = model.encode(photo)) {
            // One encoding, any number of sizes: an integer scale, a fractional one, different x and y scales.
            ImageIO.write(rep.render().scale(2.0).toImage(), "png", new File(outDir, "x2.png"));
            ImageIO.write(rep.render().scale(3.7).toImage(), "png", new File(outDir, "x3.7.png"));
            ImageIO.write(rep.render().scale(1.5, 4.0).toImage(), "png", new File(outDir, "x1.5-by-x4.png"));
            // A continuous point of the ×4 grid: between pixel centres.
            int w = photo.getWidth() * 4;
            int h = photo.getHeight() * 4;
            float[] rgb = rep.sample(w, h, w / 3.0, h / 2.0 + 0.25);
            System.out.println("backend " + model.backendName() + ", colour at (" + w / 3.0 + ", " + (h / 2.0 + 0.25)
                    + ") of the " + w + "x" + h + " grid: " + Arrays.toString(rgb));
        }
    }
}
