package io.diif.tck;

import io.diif.image.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/** The reference vectors of the authors' code, shipped in this jar under {@value #ROOT}. */
public final class Golden {
    /** Class-path folder of the golden set (a copy of shared/golden). */
    public static final String ROOT = "io/diif/tck/golden/";
    /** Absolute tolerance on raw normalised outputs (the reference README's figure). */
    public static final float TOLERANCE = 1e-5f;

    private Golden() {
    }

    /** One case of cases.json. */
    public record Case(String model, int width, int height, String output) {
        @Override
        public String toString() {
            return model.replace(".safetensors", "") + " at " + width + "x" + height;
        }
    }

    public static List<Case> cases() {
        String json = new String(bytes("cases.json"), java.nio.charset.StandardCharsets.UTF_8);
        // cases.json is flat and written by the reference tooling: a regex over its objects is enough here.
        Pattern p = Pattern.compile("\"model\":\\s*\"([^\"]+)\",\\s*\"out_width\":\\s*(\\d+),\\s*\"out_height\":\\s*(\\d+),"
                + "\\s*\"output\":\\s*\"([^\"]+)\"");
        Matcher m = p.matcher(json);
        List<Case> cases = new ArrayList<>();
        while (m.find()) {
            cases.add(new Case(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4)));
        }
        if (cases.isEmpty()) {
            throw new IllegalStateException("no cases found in " + ROOT + "cases.json");
        }
        return cases;
    }

    /** The 40×32 RGB input every case was rendered from. */
    public static BufferedImage input() {
        try (InputStream in = stream("input.png")) {
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Expected raw output of a case, {@code [3, H, W]}. */
    public static float[] expected(Case c) {
        return Npy.readFloat32(bytes(c.output()));
    }

    public static String resource(String file) {
        return ROOT + file;
    }

    static byte[] bytes(String file) {
        try (InputStream in = stream(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InputStream stream(String file) {
        InputStream in = Golden.class.getClassLoader().getResourceAsStream(ROOT + file);
        if (in == null) {
            throw new IllegalStateException("missing golden resource " + ROOT + file);
        }
        return in;
    }
}
