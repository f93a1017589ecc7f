package io.diif.examples;

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
 *     diif-examples/samples/cat-eye.png MODEL.safetensors OUTDIR
 * </pre>
 */
public final class UpscaleExample {
    private UpscaleExample() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: UpscaleExample IMAGE MODEL OUTDIR");
            System.exit(2);
        }
        BufferedImage photo = ImageIO.read(new File(args[0]));
        File outDir = new File(args[2]);
        outDir.mkdirs();
        try (DiifModel model = DiifModel.load(Path.of(args[1]));
                ImageRepresentation rep = model.encode(photo)) {
            // One encoding, any number of sizes: an integer scale, a fractional one, different x and y scales.
            ImageIO.write(rep.render(2.0), "png", new File(outDir, "x2.png"));
            ImageIO.write(rep.render(3.7), "png", new File(outDir, "x3.7.png"));
            ImageIO.write(rep.render(1.5, 4.0), "png", new File(outDir, "x1.5-by-x4.png"));
            // A continuous point of the ×4 grid: between pixel centres.
            int w = photo.getWidth() * 4;
            int h = photo.getHeight() * 4;
            float[] rgb = rep.sample(w, h, w / 3.0, h / 2.0 + 0.25);
            System.out.println("backend " + model.backendName() + ", colour at (" + w / 3.0 + ", " + (h / 2.0 + 0.25)
                    + ") of the " + w + "x" + h + " grid: " + Arrays.toString(rgb));
        }
    }
}
