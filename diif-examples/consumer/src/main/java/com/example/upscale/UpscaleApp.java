package com.example.upscale;

import io.diif.Diif;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import javax.imageio.ImageIO;

/** Upscales an image with the default model on whichever backend the build put on the class path. */
public final class UpscaleApp {
    private UpscaleApp() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: UpscaleApp IN OUT.png SCALE");
            System.exit(2);
        }
        BufferedImage image = ImageIO.read(new File(args[0]));
        if (image == null) {
            System.err.println("not an image: " + args[0]);
            System.exit(1);
        }
        BufferedImage big = Diif.upscale(image, Double.parseDouble(args[2]));
        ImageIO.write(big, "png", new File(args[1]));
        System.out.println("upscaled " + image.getWidth() + "x" + image.getHeight() + " to " + big.getWidth() + "x"
                + big.getHeight() + ": " + args[1]);
        System.out.println("backend: " + Diif.defaultModel().backendName());
    }
}
