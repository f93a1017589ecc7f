package io.diif.examples.modulepath;

import io.diif.Diif;
import io.diif.DiifModel;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Upscales {@code IN} by {@code SCALE} with the default model, or the model of the class-path resource
 * {@code MODEL}, into {@code OUT} (PNG), then prints which model and backend ran and in which module the API
 * lives, one {@code key: value} per line.
 */
public final class ModulePathUpscale {
    private ModulePathUpscale() {
    }

    /**
     * Runs the example.
     *
     * @param args {@code IN OUT SCALE [MODEL]}
     * @throws IOException when the input cannot be read or the output written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: ModulePathUpscale IN.png OUT.png SCALE [MODEL_RESOURCE]");
            System.exit(2);
        }
        BufferedImage in = ImageIO.read(new File(args[0]));
        if (in == null) {
            System.err.println("not an image: " + args[0]);
            System.exit(1);
        }
        DiifModel model = args.length == 4 ? DiifModel.builder().modelResource(args[3]).build() : Diif.defaultModel();
        BufferedImage out = model.upscale(in, Double.parseDouble(args[2]));
        if (!ImageIO.write(out, "png", new File(args[1]))) {
            System.err.println("no PNG writer");
            System.exit(1);
        }
        Module api = Diif.class.getModule();
        System.out.println("model: " + model.config().name());
        System.out.println("backend: " + model.backendName());
        System.out.println("api module: " + api.getName());
        System.out.println("application module: " + ModulePathUpscale.class.getModule().getName());
        System.out.println("internals exported: " + api.isExported("io.diif.internal.backends"));
        System.out.println("size: " + in.getWidth() + "x" + in.getHeight() + " -> " + out.getWidth() + "x"
                + out.getHeight());
    }
}
